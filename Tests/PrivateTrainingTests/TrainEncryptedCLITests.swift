import Foundation
import Testing
import _HepexcTestSupport

/// `hepexc train-encrypted` as a user runs it: JSON report and model on
/// success; one `error:` line, exit code 1 and no file on bad input.
@Suite struct TrainEncryptedCLITests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL? {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("hepexc") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let binary = try #require(Self.binary)
        let process = Process(), out = Pipe(), err = Pipe()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.repositoryRoot
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    let directory = NSTemporaryDirectory() + "ptrain-cli-\(UUID().uuidString)"

    func data() throws -> (String, String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (try TrainingTestSupport.writeBlobs(directory: directory, name: "train", samples: 60),
                try TrainingTestSupport.writeBlobs(directory: directory, name: "test", samples: 30))
    }

    @Test(.enabled(if: binary != nil, "the hepexc binary is not built"))
    func simulatedRunPrintsJSONAndWritesTheModel() throws {
        let (train, test) = try data()
        let output = directory + "/head.onnx"
        let result = try Self.run(["train-encrypted", "--data", train, "--test", test, "--backend", "simulated",
                                   "--log-n", "13", "--epochs", "1", "--batch", "32", "--learning-rate", "4",
                                   "--json", "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any])
        #expect(json["secure"] as? Bool == true)
        #expect((json["epochs"] as? [Any])?.count == 1)
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test(.enabled(if: binary != nil, "the hepexc binary is not built"))
    func unknownBackboneValueIsOneLineAndWritesNothing() throws {
        let (train, test) = try data()
        let output = directory + "/head.onnx"
        let result = try Self.run(["train-encrypted", "--data", train, "--test", test, "--backend", "simulated",
                                   "--backbone", "models/digits_mlp_square.onnx", "--features", "%nope", "-o", output])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(.enabled(if: binary != nil, "the hepexc binary is not built"))
    func closedChoicesAreArgumentErrors() throws {
        let result = try Self.run(["train-encrypted", "--data", "a.npz", "--test", "b.npz", "--backend", "quantum"])
        #expect(result.status == 64)
    }
}
