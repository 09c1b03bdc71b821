import Foundation
import _HepexcTestSupport
import Testing

/// `hepexc convert` and Keras models through `inspect`/`eval`, against the
/// built binary.
@Suite struct ConvertCLITests {
    static let keras = "Tests/FrontendTests/Fixtures/keras"

    @Test func convertsKerasToONNXAndTheResultLoads() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("k2_cnn.onnx").path
        let convert = try CLIRunner.run(["convert", "\(Self.keras)/k2_cnn.h5", "-o", out, "--passes", "fold-bn"])
        #expect(convert.status == 0, "\(convert.stderr)")
        let inspect = try CLIRunner.run(["inspect", out, "--summary-only", "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(CLIRunner.json(inspect.stdout)?["format"] as? String == "onnx")
        // The converted model scores like the Keras original on Keras' data.
        let original = try CLIRunner.run(["eval", "\(Self.keras)/k2_cnn.h5", "--data", "\(Self.keras)/k2_cnn.io.npz", "--json"])
        let converted = try CLIRunner.run(["eval", out, "--data", "\(Self.keras)/k2_cnn.io.npz", "--json"])
        let a = try #require(CLIRunner.json(original.stdout)?["mse"] as? Double)
        let b = try #require(CLIRunner.json(converted.stdout)?["mse"] as? Double)
        #expect(a < 1e-10 && b < 1e-10)
    }

    @Test func weightsOnlyFilesTakeConfig() throws {
        let without = try CLIRunner.run(["inspect", "\(Self.keras)/k2_mlp.weights_only.h5"])
        #expect(without.status == 1)
        #expect(without.stderr.hasPrefix("error: ") && without.stderr.contains("--config"))
        #expect(without.stderr.split(separator: "\n").count == 1)
        let with = try CLIRunner.run(["inspect", "\(Self.keras)/k2_mlp.weights_only.h5", "--config", "\(Self.keras)/k2_mlp.json", "--json"])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(CLIRunner.json(with.stdout)?["format"] as? String == "keras")
    }

    @Test func brokenKerasFilesFailWithOneLine() throws {
        for file in ["bad/not_hdf5.h5", "bad/truncated.h5", "bad/k3_unsupported.keras", "bad/k2_kernel_mismatch.h5"] {
            let result = try CLIRunner.run(["convert", "\(Self.keras)/\(file)", "-o", "/tmp/hepexc-never-written.onnx"])
            #expect(result.status == 1, "\(file)")
            #expect(result.stderr.hasPrefix("error: ") && result.stderr.split(separator: "\n").count == 1, "\(file): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/hepexc-never-written.onnx"))
    }
}
