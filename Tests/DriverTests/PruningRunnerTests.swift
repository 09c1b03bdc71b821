import Foundation
import HepexcData
import HepexcDriver
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// HE-PEx schemes with retraining on the bundled digits MLP (64-64-10), one
/// epoch, 8x8 tiles: small enough for a debug build.
@Suite(.serialized) struct PruningRunnerTests {
    static func fixture() throws -> (graph: Graph, training: Dataset, validation: Dataset) {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx"), passes: "fold-bn").graph
        let data = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz"))
        let (training, validation) = try PruningRunner.split(data, validationFraction: 0.25, seed: 1)
        return (graph, training, validation)
    }

    static func options(_ scheme: PruningScheme, ratio: Double = 0.8) -> PruningRunner.Options {
        PruningRunner.Options(scheme: scheme, ratio: ratio, t1: 8, t2: 8, epochs: 1, batchSize: 32, seed: 3)
    }

    @Test func p4eEmptiesMoreTilesThanP2AndKeepsMasksAndPlanExact() throws {
        let (graph, training, validation) = try Self.fixture()
        let p2 = try PruningRunner.run(graph, training: training, validation: validation, options: Self.options(.p2))
        let p4e = try PruningRunner.run(graph, training: training, validation: validation, options: Self.options(.p4e))
        #expect(p4e.report.tileSparsity > p2.report.tileSparsity)
        #expect(p4e.report.tilesRemoved > p2.report.tilesRemoved)
        #expect(p4e.report.steps.map(\.name) == ["prune", "permute", "prune-pack", "expand", "retrain"])
        #expect(p2.report.steps.map(\.name) == ["prune", "retrain"])

        // Masked weights stay exactly 0 through retraining.
        for result in [p2, p4e] {
            for layer in try PrunableLayer.layers(in: result.graph, tile: nil, pass: "test") {
                let mask = layer.mask(in: result.graph), values = layer.values(in: result.graph)
                #expect(mask.contains(0))
                #expect(zip(mask, values).allSatisfy { $0 != 0 || $1 == 0 })
            }
        }

        // The compiled plan (client-side permutations included) computes the pruned model.
        let plan = try PlanCompiler(options: .init(t1: 8, t2: 8, logN: 11, insecure: true)).compile(p4e.graph)
        #expect(plan.inputPermutation != nil)
        // Retraining keeps the x² activation as it is: same depth, same CKKS parameters as the unpruned plan.
        let unpruned = try PlanCompiler(options: .init(t1: 8, t2: 8, logN: 11, insecure: true)).compile(graph)
        #expect(plan.parameters.logQ == unpruned.parameters.logQ)
        let inputs = validation.inputs.batchSlice(0..<16)
        let expected = try Interpreter(p4e.graph).run(inputs, batchSize: 16)[0]
        let rows = (0..<16).map { Array(inputs.scalars[($0 * 64)..<(($0 + 1) * 64)]) }
        let actual = try PlanRunner.simulate(plan, rows: rows)
        let difference = zip(expected.scalars, actual.flatMap { $0 }).map { abs($0 - $1) }.max() ?? .infinity
        #expect(actual.count == 16 && difference < 1e-3)
        Self.checkConsistency(p4e.report, graph: p4e.graph, original: graph, validation: validation)
        Self.checkConsistency(p2.report, graph: p2.graph, original: graph, validation: validation)
    }

    /// The report's numbers agree with each other and with the graphs.
    static func checkConsistency(_ report: PruningReport, graph: Graph, original: Graph, validation: Dataset) {
        #expect(report.metric == "accuracy")
        #expect(report.steps.first?.metricBefore == report.baseline)
        #expect(report.steps.last?.metricAfter == report.final)
        for (previous, next) in zip(report.steps, report.steps.dropFirst()) { #expect(previous.metricAfter == next.metricBefore) }
        #expect((try? PruningRunner.metric(original, on: validation)) == report.baseline)
        #expect((try? PruningRunner.metric(graph, on: validation)) == report.final)
        #expect(report.layers.reduce(0) { $0 + $1.tilesRemoved } == report.tilesRemoved)
        #expect(report.steps.last?.statistics.tileSparsity == report.tileSparsity)
        if let statistics = try? TileStatistics(graph, t1: 8, t2: 8) {
            #expect(statistics.tileSparsity == report.tileSparsity)
            #expect(statistics.weightSparsity == report.weightSparsity)
        }
        let permutes = report.scheme == "p4e"
        #expect(report.layers.allSatisfy { ($0.tileSparsityAfterPermutation != nil) == permutes })
        #expect(report.text.contains(report.scheme.uppercased()))
    }

    @Test func ratioSearchKeepsTheBestProbeWithinBudget() throws {
        let (graph, training, validation) = try Self.fixture()
        let result = try PruningRunner.search(graph, training: training, validation: validation,
                                              options: Self.options(.p2t, ratio: 0.5), maxDrop: 2.5, probes: 3)
        let probes = try #require(result.report.search)
        #expect(probes.count == 3)
        #expect(probes[0].ratio == 0.5)
        #expect(probes[1].ratio == (probes[0].accepted ? 0.75 : 0.25))
        if let best = probes.filter(\.accepted).max(by: { $0.tileSparsity < $1.tileSparsity }) {
            #expect(result.report.tileSparsity == best.tileSparsity)
            #expect((result.report.baseline - result.report.final) * 100 <= 2.5)
        }
        #expect(result.report.maxDrop == 2.5)
    }

    @Test func autoencoderReportsMSE() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/mnist_autoencoder.onnx"), passes: "fold-bn").graph
        let data = try DatasetLoader.load(path: TestPaths.path("models/data/mnist_ae_test.npz")).prefix(200)
        let (training, validation) = try PruningRunner.split(data, validationFraction: 0.25)
        let result = try PruningRunner.run(graph, training: training, validation: validation,
                                           options: PruningRunner.Options(scheme: .p3e, ratio: 0.9, epochs: 1))
        #expect(result.report.metric == "mse")
        #expect(result.report.steps.map(\.name) == ["prune", "permute", "expand", "retrain"])
        #expect(result.report.tileSparsity > 0)
        #expect(result.report.layers.allSatisfy { $0.tileSparsityBeforePermutation != nil })
        #expect(result.report.final < result.report.steps[0].metricAfter)
        #expect((try? PruningRunner.metric(result.graph, on: validation)) == result.report.final)
    }

    @Test func schemePipelinesFollowThePaper() {
        let steps = { (scheme: PruningScheme) in scheme.steps(ratio: 0.8, t1: 8, t2: 16).map(\.pipeline) }
        #expect(steps(.p2) == ["prune{ratio=0.8}"])
        #expect(steps(.p2t) == ["prune-tiles{ratio=0.8,tile=8x16}"])
        #expect(steps(.p3) == ["prune{ratio=0.8}", "permute{tile=8x16}"])
        #expect(steps(.p3e) == ["prune{ratio=0.8}", "permute{tile=8x16}", "expand{tile=8x16}"])
        #expect(steps(.p4) == ["prune{ratio=0.8}", "permute{tile=8x16,pack-threshold=0.0625}",
                               "prune-pack{threshold=0.0625,tile=8x16}"])
        #expect(PruningScheme.p4.steps(ratio: 0.8, t1: 8, t2: 16, packThreshold: 0.1, packAware: false)[1].pipeline
                == "permute{tile=8x16}")
        #expect(steps(.p4e) == steps(.p4) + ["expand{tile=8x16}"])
        #expect(PruningScheme.p4e.steps(ratio: 0.5, t1: 4, t2: 4, firstForm: .typeB).last?.pipeline == "expand{tile=4x4,first-form=B}")
        for scheme in PruningScheme.allCases {
            #expect(scheme.steps(ratio: 0.5, t1: 4, t2: 4).allSatisfy { (try? PassManager(parsing: $0.pipeline)) != nil })
        }
    }

    @Test func reportRoundTripsThroughJSON() throws {
        let (graph, training, validation) = try Self.fixture()
        let result = try PruningRunner.run(graph, training: training, validation: validation, options: Self.options(.p3))
        let data = try JSONEncoder().encode(result.report)
        #expect(try JSONDecoder().decode(PruningReport.self, from: data) == result.report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["tile_sparsity"] != nil && object["tiles_removed"] != nil && object["validation_samples"] != nil)
    }
}
