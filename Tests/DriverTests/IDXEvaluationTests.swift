import Foundation
import HepexcData
import HepexcDriver
import Testing
import _HepexcTestSupport

/// MNIST-style idx files (gzip-compressed, labels found next to the images)
/// evaluate to the same accuracy as the bundled `.npz` split.
@Suite struct IDXEvaluationTests {
    @Test func gzippedIdxPairMatchesTheNpzSplit() throws {
        let npz = try DatasetLoader.load(path: TestPaths.path("models/data/mnist_test.npz")).prefix(300)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Pixels were stored as k/255; write them back as bytes.
        let pixels = npz.inputs.scalars.map { ($0 * 255).rounded() }
        let images = NumPyArray(shape: [300, 28, 28], dtype: .uint8, scalars: pixels)
        let labels = NumPyArray(shape: [300], dtype: .uint8, scalars: (npz.labels ?? []).map(Double.init))
        let imagePath = directory.appendingPathComponent("t10k-images-idx3-ubyte.gz")
        try Gzip.compress(IDX.encode(images)).write(to: imagePath)
        try Gzip.compress(IDX.encode(labels)).write(to: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))

        let idx = try DatasetLoader.load(path: imagePath.path)
        #expect(idx.inputs.shape == [300, 1, 28, 28])
        let model = try ModelLoader.load(TestPaths.path("models/mnist_cryptonets.onnx")).graph
        let fromIdx = try Evaluator.evaluate(model, on: idx)
        let fromNpz = try Evaluator.evaluate(model, on: npz)
        #expect(fromIdx.correct == fromNpz.correct)
        #expect((fromIdx.accuracy ?? 0) > 0.95)
    }
}
