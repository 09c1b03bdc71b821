import Foundation
import HepexcData
import HepexcDriver
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Every bundled model compiles; its plan (simulated) equals the float
/// reference, and under CKKS (small insecure rings, tests only) stays within
/// 1e-3 of it.
@Suite struct BundledPlanTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var model: String
        var data: String
        var testDescription: String { model }
    }

    static let cases = [
        Case(model: "mnist_cryptonets", data: "mnist_test"),
        Case(model: "mnist_mlp_square", data: "mnist_test"),
        Case(model: "digits_mlp_square", data: "digits_test"),
        Case(model: "mnist_autoencoder", data: "mnist_ae_test"),
    ]

    @Test(arguments: cases)
    func simulatedPlanEqualsTheReference(_ bundled: Case) throws {
        let (plan, graph) = try PlanRunner.compile(TestPaths.path("models/\(bundled.model).onnx"), options: .init(t1: 16, t2: 16))
        #expect(!plan.parameters.insecure)
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/\(bundled.data).npz")).prefix(40)
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let rows = PlanTestSupport.rows(dataset.inputs.reshaped([dataset.count, plan.inputFeatures]))
        let actual = try PlanRunner.simulate(plan, rows: rows)
        // Weights composed from several affine ops (conv → dense) are stored as Float.
        #expect(PlanTestSupport.maxDifference(actual, expected) < 1e-4)
    }

    @Test(arguments: cases)
    func encryptedPlanIsWithinToleranceOfTheReference(_ bundled: Case) throws {
        let (plan, graph) = try PlanRunner.compile(TestPaths.path("models/\(bundled.model).onnx"),
                                                   options: .init(t1: 16, t2: 16, logN: 10, insecure: true))
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/\(bundled.data).npz")).prefix(plan.tile.t3)
        let report = try PlanRunner.run(plan, on: dataset, backend: "ckks", threads: 2)
        #expect(report.maxAbsError < 1e-3, "max |encrypted − plan| = \(report.maxAbsError)")
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let simulated = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(dataset.inputs.reshaped([dataset.count, plan.inputFeatures])))
        #expect(PlanTestSupport.maxDifference(simulated, expected) < 1e-4)
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
    }
}
