import HepexcData
import HepexcIR
@testable import HepexcTraining
import Testing

/// Training checks the data's layout too: NHWC images for an NCHW model are
/// refused, never reshaped into a different order.
@Suite struct TrainingLayoutTests {
    @Test func nhwcImagesForAnNCHWModelAreRefused() throws {
        let graph = try Graph(parsing: """
        hepir 1
        model @nchw

        const @w : tensor<2x12xf32> = dense<[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, -0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9, -1.0, -1.1, -1.2]>

        graph(%x: tensor<?x3x2x2xf32>) -> (tensor<?x2xf32>) {
          %0 = reshape(%x) {shape = [12]} : tensor<?x12xf32>
          %1 = dense(%0, @w) : tensor<?x2xf32>
          return %1
        }
        """)
        let data = Dataset(inputs: Tensor(shape: [2, 2, 2, 3], scalars: (0..<24).map { Double($0) / 24 }), labels: [0, 1],
                           source: .init(path: "nhwc.npz", format: .npz))
        let trainer = try Trainer(network: try Network(graph), options: TrainingOptions(epochs: 1, batchSize: 2))
        #expect { _ = try trainer.train(on: data) } throws: { error in
            "\(error)" == "data shape mismatch: the model expects examples of shape [3, 2, 2] (reshaping would reorder the values; transpose NHWC/NCHW images first), the data has [2, 2, 3]"
        }
    }
}
