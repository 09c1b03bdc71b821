import HepexcData
import HepexcDriver
import HepexcIR
import Testing
import _HepexcTestSupport

/// Third-party-style MNIST models (scripts/make_activation_fixtures.py,
/// trained by PyTorch 2.13 and Keras 3.15 / TensorFlow 2.15) import and
/// classify the first 2000 test images exactly as their framework does.
@Suite struct MNISTImportAccuracyTests {
    /// (model, the framework's accuracy on the first 2000 images of models/data/mnist_test.npz)
    static let cases: [(String, Double)] = [
        ("mnist_k3_zeropad_square.keras", 0.957),  // Keras 3: ZeroPadding2D → Conv2D → Multiply()([x, x]) → …
        ("mnist_k2_zeropad_square.h5", 0.96),      // the same in Keras 2.15
        ("mnist_cnn_relu_maxpool.onnx", 0.959),    // onnxruntime
        ("mnist_mlp_gelu.onnx", 0.938),            // onnxruntime; GELU decomposition recognised
        ("mnist_mlp_sigmoid.onnx", 0.913),         // onnxruntime
    ]

    @Test(arguments: cases)
    func accuracyEqualsTheFramework(_ model: String, _ expected: Double) throws {
        let graph = try ModelLoader.load(TestPaths.path("models/\(model)")).graph
        let data = try DatasetLoader.load(path: TestPaths.path("models/data/mnist_test.npz")).prefix(2000)
        let report = try Evaluator.evaluate(graph, on: data)
        let accuracy = try #require(report.accuracy)
        #expect(abs(accuracy - expected) < 0.0006, "\(model): \(accuracy) vs \(expected)")
        if model.contains("gelu") {
            #expect(graph.operations.contains { $0.attributes["fn"] == .string("gelu") }, "the Div/Erf/Add/Mul/Mul chain became one gelu")
        }
    }
}
