import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import _HepexcTestSupport
import Testing

/// `Fixtures/activations/manifest.json`, written by
/// scripts/make_activation_fixtures.py: non-polynomial ONNX operators,
/// PyTorch exports, Keras merge/padding/preprocessing layers and every
/// built-in Keras activation name, with the framework's own outputs.
struct ActivationFixtureManifest: Decodable {
    struct Entry: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var io: String?
        var producer: String?
        var expect: String
        var error: String?

        var testDescription: String { file }
        var path: String { ActivationFixtureManifest.directory + "/" + file }
        var ioPath: String? { io.map { ActivationFixtureManifest.directory + "/" + $0 } }
    }

    var fixtures: [Entry]

    static let directory = TestPaths.path("Tests/FrontendTests/Fixtures/activations")

    static let shared: ActivationFixtureManifest = {
        let url = URL(fileURLWithPath: directory + "/manifest.json")
        guard let data = try? Data(contentsOf: url),
              let manifest = try? JSONDecoder().decode(ActivationFixtureManifest.self, from: data) else {
            return ActivationFixtureManifest(fixtures: [])
        }
        return manifest
    }()

    static var valid: [Entry] { shared.fixtures.filter { $0.expect == "ok" } }
    static var invalid: [Entry] { shared.fixtures.filter { $0.expect == "error" } }
}

/// Every valid fixture imports and evaluates (exactly, in Double) to the
/// framework's float32 outputs within 1e-4 + 1e-4·|y|.
@Suite struct ActivationFixtureTests {
    @Test func manifestListsEveryKind() {
        let files = ActivationFixtureManifest.valid.map(\.file)
        #expect(files.filter { $0.hasPrefix("onnx_") }.count >= 20)
        #expect(files.contains { $0.hasPrefix("torch_") })
        #expect(files.contains { $0.hasSuffix(".keras") })
        #expect(files.contains { $0.hasPrefix("k2_") && $0.hasSuffix(".h5") })
        #expect(files.contains { $0.hasPrefix("k3_") && $0.hasSuffix("_legacy.h5") })
        #expect(ActivationFixtureManifest.invalid.count >= 4)
    }

    @Test(arguments: ActivationFixtureManifest.valid)
    func importsAndMatchesFramework(_ fixture: ActivationFixtureManifest.Entry) throws {
        let graph = try ModelLoader.load(fixture.path).graph
        try graph.verify()
        let arrays = try NPZ.read(path: try #require(fixture.ioPath))
        let x = try #require(arrays["x"]).tensor()
        let y = try #require(arrays["y"])
        let input = try #require(graph.inputs.first)
        let outputs = try Interpreter(graph).run([input.name: x])
        let output = try #require(outputs[graph.outputs[0]])
        #expect(output.count == y.count, "\(fixture.file): \(output.shape) vs \(y.shape)")
        var worst = 0.0
        for (a, e) in zip(output.scalars, y.scalars) { worst = max(worst, abs(a - e) - (1e-4 + 1e-4 * abs(e))) }
        #expect(worst <= 0, "\(fixture.file): outside tolerance by \(worst)")
    }

    @Test(arguments: ActivationFixtureManifest.invalid)
    func refusals(_ fixture: ActivationFixtureManifest.Entry) {
        #expect(throws: DriverError.self, "\(fixture.file)") { _ = try ModelLoader.load(fixture.path) }
    }
}
