import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import Testing

/// Every valid fixture, exported by a real tool, imports and evaluates to
/// onnxruntime's outputs (|ours − ort| ≤ 1e-4 + 1e-4·|ort|; ours run in
/// Double, ort in float32).
@Suite struct ONNXFixtureTests {
    @Test func manifestListsFixtures() {
        #expect(FixtureManifest.valid.count >= 25)
        #expect(FixtureManifest.invalid.count >= 12)
    }

    @Test(arguments: FixtureManifest.valid)
    func importsAndMatchesOnnxRuntime(_ fixture: FixtureManifest.Entry) throws {
        let loaded = try ModelLoader.load(fixture.path)
        let graph = loaded.graph
        try graph.verify()
        let ioPath = try #require(fixture.ioPath)
        let arrays = try NPZ.read(path: ioPath)
        let x = try #require(arrays["x"]).tensor()
        let input = try #require(graph.inputs.first)
        let shaped = x.reshaped([x.shape[0]] + input.type.dimensions.dropFirst().map { $0 ?? 0 })
        let outputs = try Interpreter(graph).run([input.name: shaped])

        var compared = 0
        for index in graph.outputs.indices {
            guard let expected = arrays["out\(index)"] else { continue }
            try expectClose(try #require(outputs[graph.outputs[index]]), expected, "\(fixture.file) output \(index)")
            compared += 1
        }
        if let y = arrays["y"] {
            // `y` is the first output of its size (the probabilities for
            // scikit-learn classifiers, whose first output is the label).
            let match = graph.outputs.first { outputs[$0]?.count == y.count } ?? graph.outputs[0]
            try expectClose(try #require(outputs[match]), y, "\(fixture.file) y")
            compared += 1
        }
        #expect(compared > 0, "no reference output compared for \(fixture.file)")
    }

    func expectClose(_ actual: Tensor, _ expected: NumPyArray, _ label: String) throws {
        #expect(actual.count == expected.count, "\(label): \(actual.shape) vs \(expected.shape)")
        guard actual.count == expected.count else { return }
        var worst = 0.0
        for (a, e) in zip(actual.scalars, expected.scalars) {
            let excess = abs(a - e) - (1e-4 + 1e-4 * abs(e))
            worst = max(worst, excess)
        }
        #expect(worst <= 0, "\(label): outside tolerance by \(worst)")
    }
}
