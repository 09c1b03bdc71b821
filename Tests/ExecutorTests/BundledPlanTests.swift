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
    @Test(arguments: BundledModel.all)
    func simulatedPlanEqualsTheReference(_ bundled: BundledModel) throws {
        let (plan, graph) = try PlanRunner.compile(bundled.modelPath, options: .init(t1: 16, t2: 16))
        #expect(!plan.parameters.insecure)
        let dataset = try DatasetLoader.load(path: bundled.dataPath).prefix(40)
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let rows = PlanTestSupport.rows(dataset.inputs.reshaped([dataset.count, plan.inputFeatures]))
        let actual = try PlanRunner.simulate(plan, rows: rows)
        // Weights composed from several affine ops (conv → dense) are stored as Float.
        #expect(PlanTestSupport.maxDifference(actual, expected) < 1e-4)
    }

    @Test(arguments: BundledModel.all)
    func encryptedPlanIsWithinToleranceOfTheReference(_ bundled: BundledModel) throws {
        let (plan, graph) = try PlanRunner.compile(bundled.modelPath,
                                                   options: .init(t1: 16, t2: 16, logN: 10, insecure: true))
        let dataset = try DatasetLoader.load(path: bundled.dataPath).prefix(plan.tile.t3)
        let report = try PlanRunner.run(plan, on: dataset, backend: .ckks, threads: 2)
        #expect(report.maxAbsError < 1e-3, "max |encrypted − plan| = \(report.maxAbsError)")
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let simulated = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(dataset.inputs.reshaped([dataset.count, plan.inputFeatures])))
        #expect(PlanTestSupport.maxDifference(simulated, expected) < 1e-4)
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
    }
}
