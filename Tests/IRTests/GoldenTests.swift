import Foundation
import HepexcIR
import Testing
import _HepexcTestSupport

/// The golden files under `Golden/`, by file name.
enum GoldenFiles {
    static var directory: URL? { Bundle.module.url(forResource: "Golden", withExtension: nil) }

    static var names: [String] {
        guard let directory,
              let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return files.filter { $0.hasSuffix(".hepir") }.sorted()
    }

    static func text(_ name: String) throws -> String {
        guard let directory else { throw CocoaError(.fileNoSuchFile) }
        return try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}

/// Checks every operation's printed type against shape inference, so that the
/// golden files and documentation examples stay meaningful.
func expectTypesInferred(_ graph: Graph, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    var types = Dictionary(uniqueKeysWithValues: graph.inputs.map { ($0.name, $0.type) })
    for operation in graph.operations {
        let operandTypes = operation.operands.map { operand -> TensorType? in
            switch operand {
            case .value(let name): return types[name]
            case .constant(let name): return graph.constants[name]?.type
            }
        }
        guard operandTypes.allSatisfy({ $0 != nil }) else {
            Issue.record("undefined operand in \(operation.printed())", sourceLocation: sourceLocation)
            return
        }
        do {
            let inferred = try ShapeInference.resultType(of: operation.kind, result: operation.result,
                                                         operands: operandTypes.compactMap { $0 },
                                                         attributes: operation.attributes)
            #expect(inferred == operation.type, "\(operation.printed())", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error) in \(operation.printed())", sourceLocation: sourceLocation)
        }
        types[operation.result] = operation.type
    }
}

@Suite("Golden textual IR files")
struct GoldenTests {
    @Test("The golden directory holds the expected cases")
    func goldenFilesPresent() {
        #expect(GoldenFiles.names.count >= 7, "\(GoldenFiles.names)")
    }

    @Test("print(parse(text)) == text", arguments: GoldenFiles.names)
    func roundTrip(name: String) throws {
        let text = try GoldenFiles.text(name)
        let graph = try Graph(parsing: text, file: name)
        let printed = graph.printed(PrintOptions(weights: .all))
        #expect(printed == text, "\(lineDiff(expected: text, actual: printed))")
        expectTypesInferred(graph)
        try graph.verify()
    }

    @Test("The golden files cover every operation kind, and the suite covers multiple inputs and outputs")
    func coverage() throws {
        var kinds = Set<OpKind>()
        var sawMultipleInputs = false, sawMultipleOutputs = false, sawQuoted = false, sawElided = false
        for name in GoldenFiles.names {
            let graph = try Graph(parsing: try GoldenFiles.text(name), file: name)
            kinds.formUnion(graph.operations.map(\.kind))
            sawMultipleInputs = sawMultipleInputs || graph.inputs.count > 1
            sawMultipleOutputs = sawMultipleOutputs || graph.outputs.count > 1
            sawQuoted = sawQuoted || graph.constants.keys.contains { !Identifier.isBare($0) }
            sawElided = sawElided || graph.constants.values.contains { $0.value == nil }
        }
        #expect(kinds == Set(OpKind.allCases), "missing: \(Set(OpKind.allCases).subtracting(kinds))")
        #expect(sawMultipleInputs && sawMultipleOutputs && sawQuoted && sawElided)
    }

    @Test("Every hepir example in docs/ir.md parses, round-trips and is well typed")
    func documentationExamples() throws {
        let path = TestPaths.path("docs/ir.md")
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        let blocks = markdown.components(separatedBy: "```hepir\n").dropFirst().compactMap {
            $0.components(separatedBy: "```").first
        }
        #expect(blocks.filter { $0.hasPrefix("hepir ") }.count >= 2)
        for block in blocks where block.hasPrefix("hepir ") {
            let graph = try Graph(parsing: block, file: "docs/ir.md")
            #expect(graph.printed(PrintOptions(weights: .all)) == block)
            expectTypesInferred(graph)
            try graph.verify()
        }
    }
}

/// The first differing lines, for readable golden failures.
func lineDiff(expected: String, actual: String) -> String {
    let left = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let right = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var report: [String] = []
    for index in 0..<max(left.count, right.count) {
        let l = index < left.count ? String(left[index]) : "<none>"
        let r = index < right.count ? String(right[index]) : "<none>"
        if l != r { report.append("line \(index + 1):\n- \(l)\n+ \(r)") }
        if report.count == 5 { break }
    }
    return report.joined(separator: "\n")
}
