import Foundation
import HepexcIR
import PropertyBased
import Testing

@Suite("Textual IR parser")
struct ParserTests {
    private static let canonical = """
        hepir 1
        model @m {opset = 17}

        const @w : tensor<2x3xf32> {granularity = "tile"} = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]>
        const @b : tensor<2xf32> = elided

        graph(%x: tensor<?x3xf32>) -> (tensor<?x2xf32>) {
          %y = dense(%x, @w, @b) : tensor<?x2xf32>
          %z = poly(%y) {coeffs = [0.0, 1.0, 0.5]} : tensor<?x2xf32>
          return %z
        }

        """

    @Test("Comments, blank lines and free spacing parse like the canonical text")
    func commentsAndSpacing() throws {
        let messy = """
            // A model written by hand.
            hepir   1 // the version
            model @m{opset=17}   // metadata


            const @w:tensor<2x3xf32>{granularity="tile"}=dense<[
              1.0, 2.0, 3.0,  // row 0
              4.0, 5.0, 6.0   // row 1
            ]>
            const @b : tensor<2xf32> = elided
            graph ( %x : tensor<?x3xf32> ) -> ( tensor<?x2xf32> )
            {
              %y = dense( %x , @w , @b ) : tensor<?x2xf32>
                %z=poly(%y){coeffs=[0.0,1.0,0.5]}:tensor<?x2xf32>
              return %z }
            // trailing comment without a newline
            """
        let graph = try Graph(parsing: messy)
        #expect(graph == (try Graph(parsing: Self.canonical)))
        #expect(graph.printed(PrintOptions(weights: .all)) == Self.canonical)
    }

    @Test("Windows line endings and tabs are whitespace")
    func crlf() throws {
        let text = Self.canonical.replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: "  %", with: "\t%")
        #expect(try Graph(parsing: text) == (try Graph(parsing: Self.canonical)))
    }

    @Test("elided yields a nil value and keeps the type and attributes")
    func elided() throws {
        let graph = try Graph(parsing: Self.canonical)
        #expect(graph.constants["b"] == Constant(type: TensorType(shape: [2]), value: nil))
        #expect(graph.constants["w"]?.attributes == ["granularity": .string("tile")])
        #expect(graph.constants["w"]?.value == Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(!graph.hasAllWeights)
    }

    @Test("Dense values are read in the precision of the element type")
    func densePrecision() throws {
        let text = """
            hepir 1
            model @m

            const @f : tensor<2xf32> = dense<[0.1, 16777217]>
            const @d : tensor<2xf64> = dense<[0.1, 16777217]>
            const @i : tensor<2xi64> = dense<[-3, 9007199254740992]>
            const @s : tensor<f32> = dense<[1e-45]>

            graph() -> () {
              return
            }

            """
        let graph = try Graph(parsing: text)
        #expect(graph.constants["f"]?.value?.scalars == [Double(Float(0.1)), 16_777_216])
        #expect(graph.constants["d"]?.value?.scalars == [0.1, 16_777_217])
        #expect(graph.constants["i"]?.value == Tensor(shape: [2], scalars: [-3, 9_007_199_254_740_992], elementType: .i64))
        #expect(graph.constants["s"]?.value == Tensor(shape: [], scalars: [Double(Float.leastNonzeroMagnitude)]))
        #expect(graph.inputs.isEmpty && graph.operations.isEmpty && graph.outputs.isEmpty)
    }

    @Test("Attribute values: numbers, non-finite floats, lists, strings, booleans, quoted keys")
    func attributeValues() throws {
        let text = """
            hepir 1
            model @m {a = -3, b = -0.0, c = 1e-05, d = inf, e = -inf, f = nan, g = [], h = [1, -2], i = [1, 2.5], j = [inf, -inf], k = "x\\"y\\u{7f}\\u{1F642}", l = true, m = false, "n o" = 0, true = 1}

            graph() -> () {
              return
            }

            """
        let metadata = try Graph(parsing: text).metadata
        #expect(metadata["a"] == .int(-3))
        #expect(metadata["b"]?.doubleValue?.sign == .minus)
        #expect(metadata["c"] == .float(1e-5))
        #expect(metadata["d"] == .float(.infinity))
        #expect(metadata["e"] == .float(-.infinity))
        #expect(metadata["f"]?.doubleValue?.isNaN == true)
        #expect(metadata["g"] == .ints([]))
        #expect(metadata["h"] == .ints([1, -2]))
        #expect(metadata["i"] == .floats([1, 2.5]))
        #expect(metadata["j"] == .floats([.infinity, -.infinity]))
        #expect(metadata["k"] == .string("x\"y\u{7F}🙂"))
        #expect(metadata["l"] == .bool(true))
        #expect(metadata["m"] == .bool(false))
        #expect(metadata["n o"] == .int(0))
        #expect(metadata["true"] == .int(1))
    }

    @Test("Operations are typed from their printed types, without verification")
    func noVerification() throws {
        // The declared type is wrong and %ghost is undefined: parsing keeps both, verify() rejects.
        let text = """
            hepir 1
            model @m

            graph(%x: tensor<?x3xf32>) -> (tensor<?x7xf32>) {
              %y = add(%x, %ghost) : tensor<?x7xf32>
              return %y
            }

            """
        let graph = try Graph(parsing: text)
        #expect(graph.operations[0].type == TensorType([nil, 7]))
        #expect(graph.operations[0].operands == [.value("x"), .value("ghost")])
        #expect(throws: IRError.self) { try graph.verify() }
    }

    @Test("Quoted names may hold any character, including sigils and escapes")
    func quotedNames() throws {
        let names = ["onnx::Gemm_5", "/fc1/Gemm_output_0", "a b", "\"", "\\", "tab\there", "line\nbreak", "é🙂", "%x", "@y", "}"]
        for name in names {
            let graph = Graph(name: name,
                              constants: [name: Constant(Tensor(shape: [1], scalars: [1]))],
                              inputs: [GraphInput(name: name, type: TensorType([nil, 1]))],
                              operations: [Operation(result: name + "'", kind: .add,
                                                     operands: [.value(name), .constant(name)], type: TensorType([nil, 1]))],
                              outputs: [name + "'"])
            let text = graph.printed()
            #expect(try Graph(parsing: text) == graph, "\(text)")
        }
    }
}

@Suite("Textual IR parser robustness")
struct ParserRobustnessTests {
    /// Parses `text`; the only acceptable failure is an `IRError.parse`.
    private func survives(_ text: String) -> Bool {
        do {
            _ = try Graph(parsing: text)
            return true
        } catch {
            if case .parse = error { return true }
            return false
        }
    }

    @Test("Every prefix of every golden file parses or fails cleanly", arguments: GoldenFiles.names)
    func prefixes(name: String) throws {
        let text = try GoldenFiles.text(name)
        var prefix = ""
        for character in text {
            #expect(survives(prefix), "\(prefix)")
            prefix.append(character)
        }
    }

    @Test("Random edits of golden files parse or fail cleanly")
    func randomEdits() async throws {
        let texts = try GoldenFiles.names.map { Array(try GoldenFiles.text($0).unicodeScalars) }
        let pieces: [String] = ["%", "@", "\"", "\\", "<", ">", "x", "?", "-", "1e", "99999999999999999999", "{", "}",
                                "[", "]", ",", "=", "//", "\n", "inf", "tensor<", "dense<[", "é", "\u{0}", "0x1p3"]
        let edits = Generator<[Int], Shrink.None<[Int]>> { rng in
            (0..<6).map { _ in Int.random(in: 0...1_000_000, using: &rng) }
        }
        await propertyCheck(count: 500, input: edits) { seeds in
            var scalars = texts[seeds[0] % texts.count]
            for step in 0..<(1 + seeds[1] % 3) {
                let position = (seeds[2] &+ step &* 7919) % (scalars.count + 1)
                switch (seeds[3] + step) % 3 {
                case 0:
                    if position < scalars.count { scalars.remove(at: position) }
                case 1:
                    scalars.insert(contentsOf: pieces[(seeds[4] + step) % pieces.count].unicodeScalars, at: position)
                default:
                    if position < scalars.count {
                        scalars[position] = pieces[(seeds[5] + step) % pieces.count].unicodeScalars.first ?? " "
                    }
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            #expect(survives(text), "\(text)")
        }
    }
}
