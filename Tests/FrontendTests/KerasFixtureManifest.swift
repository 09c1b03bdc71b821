import Foundation
import _HepexcTestSupport
import Testing

/// `Fixtures/keras/manifest.json`, written by scripts/make_keras_fixtures.py.
struct KerasFixtureManifest: Decodable {
    struct Entry: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var config: String?
        var io: String?
        var producer: String?
        var expect: String
        var error: String?

        var testDescription: String { config.map { "\(file) + \($0)" } ?? file }
        var path: String { KerasFixtureManifest.directory + "/" + file }
        var configPath: String? { config.map { KerasFixtureManifest.directory + "/" + $0 } }
        var ioPath: String? { io.map { KerasFixtureManifest.directory + "/" + $0 } }
    }

    var fixtures: [Entry]

    static let directory = TestPaths.path("Tests/FrontendTests/Fixtures/keras")

    static let shared: KerasFixtureManifest = {
        let url = URL(fileURLWithPath: directory + "/manifest.json")
        guard let data = try? Data(contentsOf: url),
              let manifest = try? JSONDecoder().decode(KerasFixtureManifest.self, from: data) else {
            return KerasFixtureManifest(fixtures: [])
        }
        return manifest
    }()

    static var valid: [Entry] { shared.fixtures.filter { $0.expect == "ok" } }
    static var invalid: [Entry] { shared.fixtures.filter { $0.expect == "error" } }
}
