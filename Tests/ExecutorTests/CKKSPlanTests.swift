import Foundation
import HepexcData
import HepexcDriver
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Encrypted execution under real CKKS (insecure small rings: tests only)
/// matches the float reference within 1e-3.
@Suite struct CKKSPlanTests {
    @Test func encryptedDigitsMLPMatchesTheReference() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: 8, t2: 8, logN: 10, insecure: true)).compile(graph)
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz")).prefix(16)
        let report = try PlanRunner.run(plan, on: dataset, backend: .ckks, threads: 2)
        #expect(report.maxAbsError < 1e-3, "max error \(report.maxAbsError)")
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let predictions = expected.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
        let agreeing = zip(predictions, dataset.labels ?? []).filter { $0 == $1 }.count
        #expect(report.correct == agreeing)
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
    }

    @Test func encryptedWeightsGiveTheSameOutputs() throws {
        let graph = PlanTestSupport.mlp([16, 8, 4], seed: 11, zeroTiles: 0.3)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true)).compile(graph)
        let inputs = PlanTestSupport.randomInputs(10, features: 16, seed: 12)
        let dataset = Dataset(inputs: inputs, source: .init(path: "random", format: .npz))
        let report = try PlanRunner.run(plan, on: dataset, backend: .ckks, encryptedWeights: true, threads: 2)
        #expect(report.maxAbsError < 1e-3, "max error \(report.maxAbsError)")
        #expect(report.ops.cipherMultiplies > report.ops.plainMultiplies)
    }

    @Test func higherDegreePolynomialsRunEncrypted() throws {
        var graph = PlanTestSupport.mlp([8, 8, 4], seed: 13)
        graph.operations[1].attributes["coeffs"] = .floats([0.25, 0.5, 0.125, -0.0625, 0.03125])
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true)).compile(graph)
        let inputs = PlanTestSupport.randomInputs(8, features: 8, seed: 14)
        let expected = try PlanTestSupport.reference(graph, inputs)
        let simulated = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(inputs))
        #expect(PlanTestSupport.maxDifference(simulated, expected) < 1e-6)
        let report = try PlanRunner.run(plan, on: Dataset(inputs: inputs, source: .init(path: "random", format: .npz)),
                                        backend: .ckks, threads: 2)
        #expect(report.maxAbsError < 1e-3, "max error \(report.maxAbsError)")
    }
}
