import Foundation
import HepexcIR
import Testing

/// One malformed input and where and how the parser must reject it.
struct ParseErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var line: Int
    var column: Int
    /// The whole message, or a prefix of it when `prefixOnly`.
    var message: String
    var prefixOnly = false

    var testDescription: String { name }
}

/// A small valid file; the cases below each break one line of it.
private let valid = """
    hepir 1
    model @m

    const @w : tensor<2x3xf32> = elided
    const @b : tensor<2xf32> = dense<[0.5, -0.5]>

    graph(%x: tensor<?x3xf32>) -> (tensor<?x2xf32>) {
      %y = dense(%x, @w, @b) : tensor<?x2xf32>
      return %y
    }

    """

/// `valid` with the first occurrence of `old` replaced by `new`.
private func broken(_ old: String, _ new: String) -> String {
    guard let range = valid.range(of: old) else { return "missing \(old)" }
    return valid.replacingCharacters(in: range, with: new)
}

private let knownKinds = OpKind.allCases.map(\.rawValue).joined(separator: ", ")

let parseErrorCases: [ParseErrorCase] = [
    // Header and structure
    .init(name: "version mismatch", text: broken("hepir 1", "hepir 2"), line: 1, column: 7,
          message: "unsupported hepir version 2; this parser reads hepir version 1"),
    .init(name: "fractional version", text: broken("hepir 1", "hepir 1.5"), line: 1, column: 7,
          message: "unsupported hepir version 1.5; this parser reads hepir version 1"),
    .init(name: "missing header", text: broken("hepir 1\n", ""), line: 1, column: 1,
          message: "expected the header 'hepir 1', found 'model'"),
    .init(name: "empty file", text: "", line: 1, column: 1,
          message: "expected the header 'hepir 1', found end of file"),
    .init(name: "missing model", text: broken("model @m", "graph @m"), line: 2, column: 1,
          message: "expected 'model' after the header, found 'graph'"),
    .init(name: "stray keyword", text: broken("const @b", "constant @b"), line: 5, column: 1,
          message: "expected 'const' or 'graph', found 'constant'"),
    .init(name: "missing colon", text: broken("@w : tensor", "@w tensor"), line: 4, column: 10,
          message: "expected ':' after the constant name, found type tensor<2x3xf32>"),
    .init(name: "missing type", text: broken("@w : tensor<2x3xf32>", "@w : 3"), line: 4, column: 12,
          message: "expected a tensor type for the constant, found number 3"),
    .init(name: "bad constant value", text: broken("= elided", "= zeros"), line: 4, column: 30,
          message: "expected 'dense<[…]>' or 'elided', found 'zeros'"),
    .init(name: "missing arrow", text: broken(" -> ", " "), line: 7, column: 28,
          message: "expected '->' after the graph inputs, found '('"),
    .init(name: "missing result type", text: broken(" : tensor<?x2xf32>\n  return", "\n  return"), line: 9, column: 3,
          message: "expected ':' before the result type, found 'return'"),
    .init(name: "unterminated graph", text: broken("  return %y\n}\n", ""), line: 9, column: 1,
          message: "expected an operation (%name = …) or 'return', found end of file"),
    .init(name: "missing closing brace", text: broken("return %y\n}\n", "return %y\n"), line: 10, column: 1,
          message: "expected '}' to close the graph body, found end of file"),
    .init(name: "text after the graph", text: valid + "graph", line: 11, column: 1,
          message: "expected end of file after the graph, found 'graph'"),
    .init(name: "operand that is not a name", text: broken("dense(%x, @w", "dense(%x, 3"), line: 8, column: 18,
          message: "expected an operand (%value or @constant), found number 3"),
    .init(name: "missing comma between operands", text: broken("dense(%x, @w", "dense(%x @w"), line: 8, column: 17,
          message: "expected ')' after the operands, found '@w'"),

    // Operation kinds, types and dimensions
    .init(name: "unknown operation kind", text: broken("= dense(", "= gemm("), line: 8, column: 8,
          message: "unknown operation kind 'gemm'; known kinds: \(knownKinds)"),
    .init(name: "unknown element type", text: broken("tensor<2xf32>", "tensor<2xf16>"), line: 5, column: 21,
          message: "unknown element type 'f16' (expected one of f32, f64, i64)"),
    .init(name: "bad dimension", text: broken("tensor<2x3xf32>", "tensor<2xthreexf32>"), line: 4, column: 21,
          message: "bad dimension 'three' (expected a non-negative integer or '?')"),
    .init(name: "negative dimension", text: broken("tensor<2x3xf32>", "tensor<2x-3xf32>"), line: 4, column: 21,
          message: "bad dimension '-3' (expected a non-negative integer or '?')"),
    .init(name: "huge dimension", text: broken("tensor<2x3xf32>", "tensor<2x99999999999999999999xf32>"), line: 4, column: 21,
          message: "dimension 99999999999999999999 is too large"),
    .init(name: "overflowing element count", text: broken("tensor<2x3xf32>", "tensor<4294967296x4294967296xf32>"),
          line: 4, column: 30, message: "dimension 4294967296 makes the tensor too large (more than 9223372036854775807 elements)"),
    .init(name: "overflow behind a zero dimension", text: broken("tensor<2x3xf32>", "tensor<0x4294967296x4294967296xf32>"),
          line: 4, column: 32, message: "dimension 4294967296 makes the tensor too large (more than 9223372036854775807 elements)"),
    .init(name: "space inside a type", text: broken("tensor<2x3xf32>", "tensor <2x3xf32>"), line: 4, column: 12,
          message: "expected a tensor type for the constant; write tensor<…> without spaces"),
    .init(name: "missing element type", text: broken("tensor<2x3xf32>", "tensor<2x3>"), line: 4, column: 21,
          message: "unknown element type '3' (expected one of f32, f64, i64)"),
    .init(name: "empty dimension", text: broken("tensor<2x3xf32>", "tensor<2xxf32>"), line: 4, column: 21,
          message: "expected a dimension or an element type in tensor type, found 'x'"),
    .init(name: "unterminated type", text: broken("tensor<2x3xf32>", "tensor<2x3xf32 "), line: 4, column: 26,
          message: "expected 'x' or '>' in tensor type, found ' '"),

    // Dense literals
    .init(name: "too few dense values", text: broken("dense<[0.5, -0.5]>", "dense<[0.5]>"), line: 5, column: 28,
          message: "dense literal of @b has 1 value, expected 2 from its type tensor<2xf32>"),
    .init(name: "too many dense values", text: broken("dense<[0.5, -0.5]>", "dense<[0.5, -0.5, 1.0]>"), line: 5, column: 28,
          message: "dense literal of @b has 3 values, expected 2 from its type tensor<2xf32>"),
    .init(name: "inf in dense", text: broken("dense<[0.5, -0.5]>", "dense<[0.5, inf]>"), line: 5, column: 40,
          message: "constant @b: weights must be finite, found inf"),
    .init(name: "-inf in dense", text: broken("dense<[0.5, -0.5]>", "dense<[-inf, 0.5]>"), line: 5, column: 35,
          message: "constant @b: weights must be finite, found -inf"),
    .init(name: "nan in dense", text: broken("dense<[0.5, -0.5]>", "dense<[nan, 0.5]>"), line: 5, column: 35,
          message: "constant @b: weights must be finite, found nan"),
    .init(name: "f32 overflow in dense", text: broken("dense<[0.5, -0.5]>", "dense<[0.5, 1e39]>"), line: 5, column: 40,
          message: "constant @b: weights must be finite, found 1e39 (out of range for f32)"),
    .init(name: "string in dense", text: broken("dense<[0.5, -0.5]>", "dense<[0.5, \"a\"]>"), line: 5, column: 40,
          message: "expected a number in the dense literal of @b, found string \"a\""),
    .init(name: "unclosed dense list", text: broken("dense<[0.5, -0.5]>", "dense<[0.5 -0.5]>"), line: 5, column: 39,
          message: "expected ',' or ']' in the dense literal of @b, found number -0.5"),
    .init(name: "dense with a dynamic type", text: broken("@b : tensor<2xf32>", "@b : tensor<?xf32>"), line: 5, column: 12,
          message: "constant @b has a dense value, so its type must have static dimensions; got tensor<?xf32>"),

    // Names
    .init(name: "duplicate constant", text: broken("const @b", "const @w"), line: 5, column: 7,
          message: "duplicate constant @w (first defined at 4:7)"),
    .init(name: "duplicate input", text: broken("%x: tensor<?x3xf32>", "%x: tensor<?x3xf32>, %x: tensor<?x3xf32>"),
          line: 7, column: 28, message: "duplicate input %x (first defined at 7:7)"),
    .init(name: "value redefining an input", text: broken("%y = dense", "%x = dense"), line: 8, column: 3,
          message: "duplicate value %x (first defined at 7:7)"),
    .init(name: "duplicate value", text: broken("  return", "  %y = dense(%x, @w) : tensor<?x2xf32>\n  return"),
          line: 9, column: 3, message: "duplicate value %y (first defined at 8:3)"),
    .init(name: "undefined value in return", text: broken("return %y", "return %z"), line: 9, column: 10,
          message: "undefined value %z in return"),
    .init(name: "return count mismatch", text: broken("return %y", "return %y, %x"), line: 9, column: 3,
          message: "the graph signature declares 1 result(s) but return lists 2"),
    .init(name: "return type mismatch", text: broken("-> (tensor<?x2xf32>)", "-> (tensor<?x3xf32>)"), line: 9, column: 10,
          message: "%y has type tensor<?x2xf32> but the graph signature declares tensor<?x3xf32> for result 0"),
    .init(name: "name missing after sigil", text: broken("%y = dense", "% y = dense"), line: 8, column: 4,
          message: "expected a name after '%', found ' '"),

    // Attributes
    .init(name: "duplicate attribute", text: broken("model @m", "model @m {a = 1, a = 2}"), line: 2, column: 18,
          message: "duplicate attribute a"),
    .init(name: "integer attribute out of range", text: broken("model @m", "model @m {a = 9223372036854775808}"), line: 2, column: 15,
          message: "integer 9223372036854775808 is out of range (-9223372036854775808 to 9223372036854775807)"),
    .init(name: "float attribute out of range", text: broken("model @m", "model @m {a = 1e999}"), line: 2, column: 15,
          message: "float 1e999 is out of range"),
    .init(name: "attribute without value", text: broken("model @m", "model @m {a}"), line: 2, column: 12,
          message: "expected '=' after the attribute name, found '}'"),
    .init(name: "bare word as attribute value", text: broken("model @m", "model @m {a = b}"), line: 2, column: 15,
          message: "expected an attribute value (a number, string, true, false or a list), found 'b'"),
    .init(name: "string in a list", text: broken("model @m", "model @m {a = [1, \"x\"]}"), line: 2, column: 19,
          message: "expected a number in the list, found string \"x\""),
    .init(name: "missing closing brace in attributes", text: broken("model @m", "model @m {a = 1"), line: 4, column: 1,
          message: "expected ',' or '}' in the attributes, found 'const'"),

    // Lexical errors
    .init(name: "unexpected character", text: broken("model @m", "model @m #"), line: 2, column: 10,
          message: "unexpected character '#'"),
    .init(name: "single slash", text: broken("model @m", "model @m / comment"), line: 2, column: 10,
          message: "unexpected character '/'"),
    .init(name: "malformed number", text: broken("dense<[0.5, -0.5]>", "dense<[0.5.1, -0.5]>"), line: 5, column: 35,
          message: "malformed number '0.5.1'"),
    .init(name: "number glued to a word", text: broken("dense<[0.5, -0.5]>", "dense<[12abc, -0.5]>"), line: 5, column: 35,
          message: "malformed number '12abc'"),
    .init(name: "lone minus", text: broken("dense<[0.5, -0.5]>", "dense<[0.5, - 0.5]>"), line: 5, column: 40,
          message: "unexpected character '-'"),
    .init(name: "unterminated string", text: broken("model @m", "model @\"m"), line: 2, column: 8,
          message: "unterminated string"),
    .init(name: "unknown escape", text: broken("model @m", "model @\"a\\qb\""), line: 2, column: 10,
          message: "unknown escape sequence in string (expected \\\", \\\\, \\n, \\t or \\u{…})"),
    .init(name: "bad unicode escape", text: broken("model @m", "model @\"a\\u{110000}\""), line: 2, column: 10,
          message: "invalid \\u{…} escape (expected 1 to 8 hex digits naming a Unicode scalar)"),
    .init(name: "columns count Unicode scalars", text: broken("model @m", "model @\"café\" ~"), line: 2, column: 15,
          message: "unexpected character '~'"),
    .init(name: "control character", text: broken("model @m", "model @m \u{1}"), line: 2, column: 10,
          message: "unexpected character \"\\u{1}\""),
]

@Suite("Textual IR parse errors")
struct ParserErrorTests {
    @Test("Each malformed input is rejected at the right line and column", arguments: parseErrorCases)
    func rejects(_ testCase: ParseErrorCase) {
        do {
            let graph = try Graph(parsing: testCase.text, file: "case.hepir")
            Issue.record("parsed without error: \(graph.printed())")
        } catch {
            guard case let .parse(location, message) = error else {
                Issue.record("not a parse error: \(error)")
                return
            }
            #expect(location == SourceLocation(file: "case.hepir", line: testCase.line, column: testCase.column),
                    "\(message)")
            if testCase.prefixOnly {
                #expect(message.hasPrefix(testCase.message), "\(message)")
            } else {
                #expect(message == testCase.message)
            }
        }
    }

    @Test("Errors print as file:line:column: error: message")
    func errorDescription() {
        #expect(throws: IRError.parse(SourceLocation(file: "model.hepir", line: 1, column: 7),
                                      "unsupported hepir version 3; this parser reads hepir version 1")) {
            try Graph(parsing: "hepir 3\n", file: "model.hepir")
        }
        let error = IRError.parse(SourceLocation(file: "model.hepir", line: 1, column: 7), "boom")
        #expect(error.description == "model.hepir:1:7: error: boom")
    }

    @Test("The valid base text of the cases parses")
    func baseTextParses() throws {
        let graph = try Graph(parsing: valid)
        #expect(graph.printed(PrintOptions(weights: .all)) == valid)
    }
}
