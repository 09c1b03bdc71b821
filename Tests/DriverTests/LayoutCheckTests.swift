import HepexcData
import HepexcDriver
import HepexcIR
import Testing

/// Inputs are checked, not reshaped: NHWC images for an NCHW model are
/// refused with both shapes named unless `--layout` names the data's layout.
@Suite struct LayoutCheckTests {
    /// [B, 3, 2, 2] → mean per channel → [B, 3]: the class is the brightest channel.
    static let model = try? Graph(parsing: """
    hepir 1
    model @nchw

    graph(%x: tensor<?x3x2x2xf32>) -> (tensor<?x3xf32>) {
      %0 = global_avgpool(%x) : tensor<?x3x1x1xf32>
      %1 = reshape(%0) {shape = [3]} : tensor<?x3xf32>
      return %1
    }
    """)

    /// Two NHWC images [2, 2, 3]: image k is bright in channel k.
    static func nhwc() -> Dataset {
        var values: [Double] = []
        for k in 0..<2 { for _ in 0..<4 { values += (0..<3).map { $0 == k ? 1 : 0 } } }
        return Dataset(inputs: Tensor(shape: [2, 2, 2, 3], scalars: values), labels: [0, 1],
                       source: .init(path: "nhwc.npz", format: .npz))
    }

    @Test func nhwcDataForAnNCHWModelIsRefusedWithBothShapes() throws {
        let graph = try #require(Self.model)
        #expect { _ = try Evaluator.evaluate(graph, on: Self.nhwc()) } throws: { error in
            "\(error)" == "the data's items have shape [2, 2, 3] but input %x expects [3, 2, 2]: NHWC images for an NCHW model; pass --layout nhwc to transpose them"
        }
    }

    @Test func layoutNHWCTransposes() throws {
        let graph = try #require(Self.model)
        let report = try Evaluator.evaluate(graph, on: Self.nhwc(), layout: .nhwc)
        #expect(report.accuracy == 1)
        #expect(report.notes.contains("inputs transposed from NHWC [2, 2, 3] to NCHW [3, 2, 2] (--layout nhwc)"))
    }

    @Test func wrongFeatureCountIsRefused() throws {
        let graph = try #require(Self.model)
        let data = Dataset(inputs: Tensor(shape: [1, 10], scalars: Array(repeating: 0, count: 10)), labels: [0],
                           source: .init(path: "flat.npz", format: .npz))
        #expect { _ = try Evaluator.evaluate(graph, on: data) } throws: { error in
            "\(error)" == "the data's items have shape [10] (10 values) but input %x expects [3, 2, 2] (12 values)"
        }
    }

    @Test func imagesFlattenIntoAFlatInput() throws {
        let graph = try Graph(parsing: """
        hepir 1
        model @flat

        graph(%x: tensor<?x12xf32>) -> (tensor<?x12xf32>) {
          %0 = poly(%x) {coeffs = [0.0, 1.0]} : tensor<?x12xf32>
          return %0
        }
        """)
        let data = Dataset(inputs: Tensor(shape: [1, 2, 2, 3], scalars: (0..<12).map(Double.init)), source: .init(path: "i.npz", format: .npz))
        let report = try Evaluator.evaluate(graph, on: data)
        #expect(report.notes.contains("inputs reshaped from [2, 2, 3] to [12] per item"))
    }

    @Test func flatVectorsAndSizeOneAxesStillReshape() throws {
        let graph = try #require(Self.model)
        let data = Dataset(inputs: Tensor(shape: [1, 12], scalars: (0..<12).map { $0 < 4 ? 1 : 0 }), labels: [0],
                           source: .init(path: "flat.npz", format: .npz))
        let report = try Evaluator.evaluate(graph, on: data)
        #expect(report.accuracy == 1)
        #expect(report.notes.contains("inputs reshaped from [12] to [3, 2, 2] per item"))
    }
}
