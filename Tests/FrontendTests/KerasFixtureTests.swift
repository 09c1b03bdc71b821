import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import Testing

/// Every Keras fixture, saved by real Keras 2 (TensorFlow 2.15) and Keras 3
/// (torch backend), imports and evaluates to Keras' own outputs
/// (|ours − keras| ≤ 1e-4 + 1e-4·|keras|).
@Suite struct KerasFixtureTests {
    @Test func manifestListsEveryFormat() {
        let files = KerasFixtureManifest.valid.map(\.file)
        #expect(files.contains { $0.hasPrefix("k2_") && $0.hasSuffix(".h5") })                 // Keras 2 model.save
        #expect(KerasFixtureManifest.valid.contains { $0.file.hasPrefix("k2_") && $0.config != nil }) // Keras 2 save_weights + JSON
        #expect(files.contains { $0.hasPrefix("k3_") && $0.hasSuffix(".keras") })              // Keras 3 archive
        #expect(files.contains { $0.hasSuffix(".weights.h5") })                                 // Keras 3 weights + JSON
        #expect(files.contains { $0.hasPrefix("k3_") && $0.hasSuffix("_legacy.h5") })          // Keras 3 legacy h5
        #expect(KerasFixtureManifest.invalid.count >= 8)
    }

    @Test(arguments: KerasFixtureManifest.valid)
    func importsAndMatchesKeras(_ fixture: KerasFixtureManifest.Entry) throws {
        let loaded = try ModelLoader.load(fixture.path, configPath: fixture.configPath)
        #expect(loaded.format == .keras)
        let graph = loaded.graph
        try graph.verify()
        #expect(graph.metadata["source"] == .string("keras"))
        let arrays = try NPZ.read(path: try #require(fixture.ioPath))
        let x = try #require(arrays["x"]).tensor()
        let y = try #require(arrays["y"])
        let input = try #require(graph.inputs.first)
        #expect(Array(input.type.dimensions.dropFirst()) == x.shape.dropFirst().map { Optional($0) },
                "the graph keeps Keras' input shape")
        let outputs = try Interpreter(graph).run([input.name: x])
        let output = try #require(outputs[graph.outputs[0]])
        #expect(output.shape == y.shape)
        expectClose(output.scalars, y.scalars, fixture.testDescription)
    }

    @Test func importWithoutCanonicalizationMatchesToo() throws {
        for fixture in KerasFixtureManifest.valid {
            let graph = try KerasImporter.importModel(at: fixture.path, configPath: fixture.configPath)
            let arrays = try NPZ.read(path: try #require(fixture.ioPath))
            let x = try #require(arrays["x"]).tensor()
            let output = try Interpreter(graph).run(x)[0]
            expectClose(output.scalars, try #require(arrays["y"]).scalars, fixture.file)
        }
    }

    @Test func conv2DBecomesNCHWAndFlattenKeepsKerasOrder() throws {
        let graph = try KerasImporter.importModel(at: KerasFixtureManifest.directory + "/k2_cnn.h5")
        let kinds = graph.operations.map(\.kind)
        #expect(kinds.first == .transpose, "NHWC input is transposed to NCHW before the first conv")
        let conv = try #require(graph.operations.first { $0.kind == .conv2d })
        #expect(graph.constants[conv.operands[1].name]?.type.staticShape == [5, 2, 3, 3], "[O, I, kh, kw]")
        let flatten = try #require(graph.operations.firstIndex { $0.kind == .reshape })
        #expect(graph.operations[flatten - 1].kind == .transpose)
        #expect(graph.operations[flatten - 1].attributes["perm"] == .ints([0, 2, 3, 1]))
        let conv2 = try #require(graph.operations.last { $0.kind == .conv2d })
        #expect(conv2.attributes["pads"] == .ints([0, 0, 1, 1]), "TensorFlow puts the odd \"same\" pad at the bottom/right")
    }

    @Test func denseActivationsAreNeverDropped() throws {
        let graph = try KerasImporter.importModel(at: KerasFixtureManifest.directory + "/k3_mlp.keras")
        #expect(graph.operations.map(\.kind) == [.dense, .relu, .dense, .tanh, .dense, .sigmoid, .dense, .softmax])
        #expect(graph.outputs == ["probs"], "outputs are named after their layer")
    }

    @Test func keras3WeightsAreFoundByClassKeyNotLayerName() throws {
        // k3_cnn's Dense is named dense_1 but stored under layers/dense.
        let graph = try KerasImporter.importModel(at: KerasFixtureManifest.directory + "/k3_cnn.weights.h5",
                                                  configPath: KerasFixtureManifest.directory + "/k3_cnn.json")
        #expect(graph.constants["dense_1.weight"]?.type.staticShape == [10, 24])
    }

    func expectClose(_ actual: [Double], _ expected: [Double], _ label: String) {
        #expect(actual.count == expected.count, "\(label): \(actual.count) vs \(expected.count) values")
        var worst = 0.0
        for (a, e) in zip(actual, expected) { worst = max(worst, abs(a - e) - (1e-4 + 1e-4 * abs(e))) }
        #expect(worst <= 0, "\(label): outside tolerance by \(worst)")
    }
}
