import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import _HepexcTestSupport
import Testing

/// A Python interpreter that has onnxruntime and numpy: `HEPEXC_PYTHON`,
/// else `.venv-test` (made by scripts/setup.sh), else `.venv-tools`, else
/// `python3` on the PATH.
enum OnnxRuntimePython {
    /// Runs every `X.onnx` of the directory in argv[1] on `X.in.npz` (inputs
    /// `in0`, `in1`, … in the model's input order) and writes `X.ort.npz`.
    static let runDirectory = """
    import sys, glob, os, numpy as np, onnxruntime as ort
    options = ort.SessionOptions(); options.intra_op_num_threads = 1
    for model in sorted(glob.glob(os.path.join(sys.argv[1], "*.onnx"))):
        stem = model[:-5]
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        with np.load(stem + ".in.npz") as data:
            feeds = {i.name: data["in%d" % k] for k, i in enumerate(session.get_inputs())}
        outputs = session.run(None, feeds)
        np.savez(stem + ".ort.npz", **{"out%d" % k: o for k, o in enumerate(outputs)})
    """

    static let path: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["HEPEXC_PYTHON"], !configured.isEmpty {
            candidates.append(configured)
        }
        candidates += [TestPaths.path(".venv-test/bin/python"), TestPaths.path(".venv-tools/bin/python"), "python3"]
        return candidates.first { run($0, ["-c", "import numpy, onnxruntime"]) == 0 }
    }()

    static let skipMessage: Comment = "no Python with onnxruntime found (set HEPEXC_PYTHON, or run scripts/setup.sh to create .venv-test)"

    /// Runs `python args…` and returns its exit status (nil if it cannot start).
    @discardableResult
    static func run(_ python: String, _ arguments: [String]) -> Int32? {
        let process = Process()
        if python.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python] + arguments
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Exported models load in onnxruntime and compute what our interpreter
/// computes (|ours − ort| ≤ 1e-4 + 1e-4·|ort|): every bundled model and
/// every Keras fixture, in one Python run.
@Suite struct ONNXExportRuntimeTests {

    @Test(.enabled(if: OnnxRuntimePython.path != nil, OnnxRuntimePython.skipMessage))
    func onnxRuntimeAgreesWithTheInterpreter() throws {
        let python = try #require(OnnxRuntimePython.path)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-ort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var expected: [String: [Tensor]] = [:]
        for (index, model) in (ExportCorpus.bundled + ExportCorpus.keras).enumerated() {
            let graph = try ModelLoader.load(model.path, configPath: model.configPath).graph
            let stem = directory.appendingPathComponent(String(format: "m%02d", index)).path
            try ONNXExporter.write(graph, to: stem + ".onnx")
            let inputs = ExportCorpus.inputs(for: graph)
            var arrays: [String: NumPyArray] = [:]
            for (k, input) in graph.inputs.enumerated() {
                arrays["in\(k)"] = NumPyArray(try #require(inputs[input.name]))
            }
            try NPZ.write(arrays, to: stem + ".in.npz")
            let outputs = try Interpreter(graph).run(inputs)
            expected[stem] = try graph.outputs.map { try #require(outputs[$0]) }
        }
        let status = OnnxRuntimePython.run(python, ["-c", OnnxRuntimePython.runDirectory, directory.path])
        #expect(status == 0, "onnxruntime failed on an exported model (\(python))")
        guard status == 0 else { return }
        for (stem, tensors) in expected.sorted(by: { $0.key < $1.key }) {
            let ort = try NPZ.read(path: stem + ".ort.npz")
            for (k, tensor) in tensors.enumerated() {
                let reference = try #require(ort["out\(k)"], "\(stem) output \(k)")
                #expect(reference.shape == tensor.shape, "\(stem) output \(k)")
                let worst = zip(tensor.scalars, reference.scalars).map { abs($0 - $1) - (1e-4 + 1e-4 * abs($1)) }.max() ?? 0
                #expect(worst <= 0, "\(stem) output \(k): outside tolerance by \(worst)")
            }
        }
    }
}
