import Foundation
import HepexcIR
import HepexcPasses
import Testing
import _HepexcTestSupport

/// Golden tests: `Golden/<case>.hepir` starts with `// RUN: <pipeline>`;
/// running that pipeline must print exactly `Golden/<case>.expected.hepir`.
/// A missing expected file is written (and the test fails);
/// `HEPEXC_RECORD=1` re-records every case.
@Suite struct GoldenTests {
    static let directory = TestPaths.path("Tests/PassesTests/Golden")

    static var cases: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".hepir") && !$0.hasSuffix(".expected.hepir") }.sorted()
    }

    @Test func casesExist() { #expect(Self.cases.count >= 6) }

    @Test(arguments: cases)
    func pipelineOutputMatchesGolden(_ file: String) throws {
        let text = try String(contentsOfFile: "\(Self.directory)/\(file)", encoding: .utf8)
        guard let firstLine = text.split(separator: "\n").first, firstLine.hasPrefix("// RUN:") else {
            Issue.record("\(file) must start with a // RUN: line")
            return
        }
        let pipeline = firstLine.dropFirst("// RUN:".count).trimmingCharacters(in: .whitespaces)
        var graph = try Graph(parsing: text, file: file)
        try graph.verify()
        let before = try Interpreter(graph)
        try PassManager(parsing: pipeline).run(on: &graph)
        let actual = graph.printed(PrintOptions(weights: .all))

        let expectedPath = "\(Self.directory)/\(file.dropLast(".hepir".count)).expected.hepir"
        if ProcessInfo.processInfo.environment["HEPEXC_RECORD"] == "1" || !FileManager.default.fileExists(atPath: expectedPath) {
            try actual.write(toFile: expectedPath, atomically: true, encoding: .utf8)
            Issue.record("recorded \(expectedPath); check it and run again")
            return
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(actual == expected, "\(file): pipeline '\(pipeline)' output differs:\n\(Self.diff(expected, actual))")

        // Passes preserve the function: same outputs on a deterministic input.
        // (`approximate` replaces it by design; ApproximatePassTests bound its error.)
        guard !pipeline.hasPrefix("approximate"), let input = graph.inputs.first, let shape = input.type.dimensions.dropFirst().map({ $0 }) as [Int?]?,
              let perItem = input.type.elementsPerItem else { return }
        let batch = 3
        let values = (0..<(batch * perItem)).map { Double(($0 * 37) % 17) / 8 - 1 }
        let sample = Tensor(shape: [batch] + shape.map { $0 ?? 1 }, scalars: values)
        let reference = try before.run([input.name: sample])
        let transformed = try Interpreter(graph).run([input.name: sample])
        for (name, expectedOutput) in zip(graph.outputs, before.graph.outputs.compactMap { reference[$0] }) {
            let output = try #require(transformed[name])
            let error = zip(output.scalars, expectedOutput.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(error < 1e-5, "\(file): output %\(name) changed by \(error)")
        }
    }

    static func diff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var lines: [String] = []
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "<none>"
            let right = index < b.count ? String(b[index]) : "<none>"
            if left != right { lines.append("line \(index + 1):\n  - \(left)\n  + \(right)") }
        }
        return lines.joined(separator: "\n")
    }
}
