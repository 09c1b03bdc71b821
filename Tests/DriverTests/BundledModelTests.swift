import Foundation
import HepexcData
import HepexcDriver
import HepexcIR
import Testing
import _HepexcTestSupport

/// The bundled models evaluate to onnxruntime's results on their whole test
/// splits: identical accuracy (the arg-max of every sample agrees) and every
/// output within 1e-4 + 1e-4·|ort| of onnxruntime's float32 output.
@Suite struct BundledModelTests {
    @Test(arguments: BundledModel.all)
    func matchesOnnxRuntime(_ bundled: BundledModel) throws {
        let loaded = try ModelLoader.load(bundled.modelPath)
        let dataset = try DatasetLoader.load(path: bundled.dataPath)
        let reference = try NPZ.read(path: bundled.referencePath)
        let report = try Evaluator.evaluate(loaded.graph, on: dataset)
        #expect(report.samples == dataset.count)
        if let accuracy = reference["accuracy"]?.scalars.first {
            #expect(report.task == "classification")
            #expect(report.accuracy == accuracy, "ours \(report.accuracy ?? -1) vs onnxruntime \(accuracy)")
        }
        if let mse = reference["mse"]?.scalars.first {
            #expect(report.task == "reconstruction")
            #expect(abs((report.mse ?? -1) - mse) <= 1e-6 * mse)
        }
        // Element-wise agreement on the first 500 samples.
        let expected = try #require(reference["outputs"])
        let input = try #require(loaded.graph.inputs.first)
        let sample = dataset.prefix(500).inputs
        let shaped = sample.reshaped([sample.shape[0]] + input.type.dimensions.dropFirst().map { $0 ?? 0 })
        let outputs = try Interpreter(loaded.graph).run(shaped)[0]
        var worst = 0.0
        for (index, value) in outputs.scalars.enumerated() {
            let target = expected.scalars[index]
            worst = max(worst, abs(value - target) - (1e-4 + 1e-4 * abs(target)))
        }
        #expect(worst <= 0, "outputs differ from onnxruntime beyond tolerance by \(worst)")
    }

    @Test func reportsAreOneLineErrorsOnMismatchedData() throws {
        let loaded = try ModelLoader.load(TestPaths.path("models/mnist_cryptonets.onnx"))
        let digits = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz"))
        do {
            _ = try Evaluator.evaluate(loaded.graph, on: digits)
            Issue.record("digits (8×8) evaluated on an MNIST model")
        } catch {
            #expect(error.description.contains("[64]") && error.description.contains("[1, 28, 28]"))
        }
    }

    @Test func flatInputsAreReshapedWithANote() throws {
        let loaded = try ModelLoader.load(TestPaths.path("models/mnist_mlp_square.onnx"))
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/mnist_ae_test.npz")).prefix(10)
        // No labels and the output (10) is not the input size (784): nothing to score.
        do {
            _ = try Evaluator.evaluate(loaded.graph, on: dataset)
            Issue.record("expected a data mismatch")
        } catch {
            #expect(error.description.contains("nothing to score"))
        }
    }
}
