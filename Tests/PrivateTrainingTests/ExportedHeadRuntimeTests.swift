import Foundation
import HepexcDriver
import Testing
import _HepexcTestSupport

/// The model `train-encrypted` writes (backbone + normalisation + head) runs
/// in onnxruntime with the accuracy the report gives.
@Suite struct ExportedHeadRuntimeTests {
    /// A Python with numpy and onnxruntime (`HEPEXC_PYTHON` or `.venv-test`).
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["HEPEXC_PYTHON"], TestPaths.path(".venv-test/bin/python")]
        return candidates.compactMap { $0 }.first { path in
            (try? run(path, ["-c", "import numpy, onnxruntime"])) == "" 
        }
    }()

    /// Runs `python arguments…`; standard output, or nil on failure.
    static func run(_ python: String, _ arguments: [String]) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    static let accuracyScript = """
    import sys, numpy as np, onnxruntime as ort
    session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
    data = np.load(sys.argv[2])
    logits = session.run(None, {session.get_inputs()[0].name: data["x"].astype(np.float32)})[0]
    print(repr(float((logits.argmax(1) == data["y"]).mean())))
    """

    @Test(.enabled(if: python != nil, "no Python with onnxruntime (run scripts/setup.sh)"))
    func onnxRuntimeReproducesTheReportedAccuracy() throws {
        let python = try #require(Self.python)
        let directory = NSTemporaryDirectory() + "ptrain-ort-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Digits test split: first 360 to train, the rest to test; the bundled MLP's hidden layer as backbone.
        let digits = TestPaths.path("models/data/digits_test.npz")
        let split = """
        import numpy as np, sys
        d = np.load(sys.argv[1])
        np.savez(sys.argv[2] + "/train.npz", x=d["x"][:360], y=d["y"][:360])
        np.savez(sys.argv[2] + "/test.npz", x=d["x"][360:], y=d["y"][360:])
        """
        #expect(try Self.run(python, ["-c", split, digits, directory]) != nil)
        var request = EncryptedTrainingRequest(dataPath: directory + "/train.npz", testPath: directory + "/test.npz")
        request.backbonePath = TestPaths.path("models/digits_mlp_square.onnx")
        request.featureValue = "%0"
        request.epochs = 2
        request.batchSize = 64
        request.learningRate = 5
        request.backend = .simulated
        request.logN = 13
        request.outputPath = directory + "/head.onnx"
        let report = try EncryptedTrainingRunner.run(request)
        #expect(report.testAccuracy > 0.85)
        let output = try Self.run(python, ["-c", Self.accuracyScript, directory + "/head.onnx", directory + "/test.npz"])
        let accuracy = try #require(output.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(abs(accuracy - report.testAccuracy) < 1e-9)
        #expect(report.exportedTestAccuracy == report.testAccuracy)
    }
}
