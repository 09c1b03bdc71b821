import Foundation
import _HepexcTestSupport
import Testing

/// `Fixtures/onnx/manifest.json`, written by scripts/make_onnx_fixtures.py.
struct FixtureManifest: Decodable {
    struct Entry: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var expect: String
        var error: String?
        var producer: String?
        var opset: Int?
        var io: String?
        var outputs: [String]?

        var testDescription: String { file }
        var path: String { FixtureManifest.directory + "/" + file }
        var ioPath: String? { io.map { FixtureManifest.directory + "/" + $0 } }
    }

    var fixtures: [Entry]

    static let directory = TestPaths.path("Tests/FrontendTests/Fixtures/onnx")

    static let shared: FixtureManifest = {
        let url = URL(fileURLWithPath: directory + "/manifest.json")
        guard let data = try? Data(contentsOf: url),
              let manifest = try? JSONDecoder().decode(FixtureManifest.self, from: data) else {
            return FixtureManifest(fixtures: [])
        }
        return manifest
    }()

    static var valid: [Entry] { shared.fixtures.filter { $0.expect == "ok" } }
    static var invalid: [Entry] { shared.fixtures.filter { $0.expect == "error" } }
}
