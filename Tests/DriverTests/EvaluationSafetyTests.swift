import HepexcData
import HepexcDriver
import HepexcIR
import Testing
import _HepexcTestSupport

/// Plaintext evaluation never prints a metric over outputs that mean
/// nothing: non-finite outputs and labels outside the model's classes are
/// errors (issue 14 §1).
@Suite struct EvaluationSafetyTests {
    static let graph: Graph? = try? ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph

    static func dataset(scale: Double, labels: [Int]) -> Dataset {
        let count = labels.count
        return Dataset(inputs: Tensor(shape: [count, 64], scalars: (0..<(count * 64)).map { Double($0 % 7) * scale }),
                       labels: labels, source: .init(path: "synthetic", format: .npz))
    }

    @Test func nonFiniteOutputsAreAnError() throws {
        let graph = try #require(Self.graph)
        #expect {
            _ = try Evaluator.evaluate(graph, on: Self.dataset(scale: 1e200, labels: [0, 1, 2]))
        } throws: { error in
            "\(error)".contains("not finite") && "\(error)".contains("sample 0")
        }
    }

    @Test func labelsOutsideTheClassesAreAnError() throws {
        let graph = try #require(Self.graph)
        #expect {
            _ = try Evaluator.evaluate(graph, on: Self.dataset(scale: 0.1, labels: [0, 12, 2]))
        } throws: { error in
            "\(error)".contains("label 12 of sample 1") && "\(error)".contains("10 classes")
        }
        let report = try Evaluator.evaluate(graph, on: Self.dataset(scale: 0.1, labels: [0, 9, 2]))
        #expect(report.samples == 3 && report.accuracy != nil)
    }
}
