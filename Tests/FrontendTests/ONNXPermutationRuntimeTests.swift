import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import _HepexcTestSupport
import Testing

/// Pruned and permuted models exported as ONNX (what `hepexc convert
/// --passes …` writes: the client permutations become `Gather` nodes) load
/// in onnxruntime and compute what the interpreter computes for them
/// (|ours − ort| ≤ 1e-4 + 1e-4·|ort|), which is what the unpermuted model
/// computes: an MLP (input and output permutations), CryptoNets (conv
/// channels into a dense layer) and a Keras CNN (conv → batchnorm → pool →
/// conv channels, per-channel constants moved with them).
@Suite struct ONNXPermutationRuntimeTests {
    struct Case {
        var path: String
        var pruning: String
        var permutation: String
        /// Real inputs (`x` of an npz), else deterministic random ones.
        var data: String?
        /// A convolution weight whose channels must have moved.
        var convolution: String?
    }

    static let cases = [
        Case(path: TestPaths.path("models/mnist_mlp_square.onnx"), pruning: "prune{ratio=0.9}",
             permutation: "permute{tile=8x8}", data: TestPaths.path("models/data/mnist_test.npz")),
        Case(path: TestPaths.path("models/mnist_cryptonets.onnx"), pruning: "prune{ratio=0.8}",
             permutation: "permute{tile=4x4}", data: TestPaths.path("models/data/mnist_test.npz"), convolution: "conv.weight"),
        Case(path: TestPaths.path("Tests/FrontendTests/Fixtures/keras/k2_cnn.h5"), pruning: "prune{ratio=0.7}",
             permutation: "permute{tile=2x2}", data: nil, convolution: "conv1.weight"),
    ]

    static func inputs(_ testCase: Case, graph: Graph) throws -> Tensor {
        let input = try #require(graph.inputs.first)
        let dims = input.type.dimensions.dropFirst().map { $0 ?? 1 }
        guard let data = testCase.data else { return try #require(ExportCorpus.inputs(for: graph, batch: 8)[input.name]) }
        let images = try DatasetLoader.load(path: data).prefix(16).inputs
        return Tensor(shape: [images.shape[0]] + dims, scalars: images.scalars, elementType: .f32)
    }

    @Test(.enabled(if: OnnxRuntimePython.path != nil, OnnxRuntimePython.skipMessage))
    func exportedPermutationsRunInOnnxRuntime() throws {
        let python = try #require(OnnxRuntimePython.path)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-ort-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var expected: [String: Tensor] = [:]
        for (index, testCase) in Self.cases.enumerated() {
            let pruned = try ModelLoader.load(testCase.path, passes: testCase.pruning).graph
            let permuted = try ModelLoader.load(testCase.path, passes: testCase.pruning + "," + testCase.permutation).graph
            #expect(permuted.operations.contains { $0.kind == .permute }, "\(testCase.path): nothing was permuted")
            if let convolution = testCase.convolution {
                #expect(permuted.constants[convolution] != pruned.constants[convolution], "\(testCase.path): channels did not move")
            }
            let stem = directory.appendingPathComponent(String(format: "m%02d", index)).path
            try ONNXExporter.write(permuted, to: stem + ".onnx")
            // The Gather nodes come back as the same permutes.
            let reimported = try ModelLoader.load(stem + ".onnx", canonicalize: false).graph
            #expect(reimported.operations.filter { $0.kind == .permute }.count
                    == permuted.operations.filter { $0.kind == .permute }.count, "\(testCase.path)")

            let x = try Self.inputs(testCase, graph: permuted)
            try NPZ.write(["in0": NumPyArray(x)], to: stem + ".in.npz")
            let ours = try Interpreter(permuted).run(x)[0], original = try Interpreter(pruned).run(x)[0]
            let scale = original.scalars.map(abs).max() ?? 1
            let drift = zip(ours.scalars, original.scalars).map { abs($0 - $1) }.max() ?? .infinity
            #expect(drift <= 1e-12 * scale, "\(testCase.path): permuted model differs by \(drift)")
            expected[stem] = ours
        }
        let status = OnnxRuntimePython.run(python, ["-c", OnnxRuntimePython.runDirectory, directory.path])
        #expect(status == 0, "onnxruntime failed on an exported permuted model (\(python))")
        guard status == 0 else { return }
        for (stem, tensor) in expected.sorted(by: { $0.key < $1.key }) {
            let reference = try #require(try NPZ.read(path: stem + ".ort.npz")["out0"], "\(stem)")
            #expect(reference.shape == tensor.shape, "\(stem)")
            let worst = zip(tensor.scalars, reference.scalars).map { abs($0 - $1) - (1e-4 + 1e-4 * abs($1)) }.max() ?? 0
            #expect(worst <= 0, "\(stem): outside tolerance by \(worst)")
        }
    }
}
