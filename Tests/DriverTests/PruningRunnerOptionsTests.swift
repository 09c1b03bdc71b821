import HepexcData
import HepexcDriver
import HepexcIR
import HepexcPasses
import Testing
import _HepexcTestSupport

/// PruningRunner's gradual rounds, output-layer cap and test-set result on
/// the digits MLP (64-64-10), one epoch, 8x8 tiles.
@Suite(.serialized) struct PruningRunnerOptionsTests {
    @Test func roundsPruneGraduallyToTheRatio() throws {
        let (graph, training, validation) = try PruningRunnerTests.fixture()
        var options = PruningRunnerTests.options(.p4e, ratio: 0.9)
        options.rounds = 2
        let result = try PruningRunner.run(graph, training: training, validation: validation, options: options)
        let prunes = result.report.steps.filter { $0.name == "prune" }.compactMap(\.pipeline)
        // Density 0.1^(1/2) ≈ 0.3162 after the first round, 0.1 after the last.
        #expect(prunes == ["prune{ratio=0.6838}", "prune{ratio=0.9}"])
        #expect(result.report.steps.filter { $0.name == "retrain" }.count == 2)
        #expect(result.report.rounds == 2)
        #expect(result.report.steps.last?.metricAfter == result.report.final)
        #expect(result.report.text.contains("in each of 2 rounds"))
    }

    @Test func outputRatioCapsTheLastLayer() throws {
        let (graph, training, validation) = try PruningRunnerTests.fixture()
        for scheme in [PruningScheme.p2t, .p4e] {
            var options = PruningRunnerTests.options(scheme, ratio: 0.9)
            options.outputRatio = 0.25
            let result = try PruningRunner.run(graph, training: training, validation: validation, options: options)
            let first = try #require(result.report.steps.first)
            let last = try #require(first.statistics.layers.last), hidden = try #require(first.statistics.layers.first)
            #expect(first.pipeline?.contains("schedule=\(last.name):0.25") == true)
            let pruned = { (layer: TileStatistics.Layer) in
                Double(scheme == .p2t ? layer.zeroTiles : layer.zeroWeights) / Double(scheme == .p2t ? layer.tiles : layer.weights)
            }
            #expect(pruned(last) <= 0.26)
            #expect(pruned(hidden) >= 0.85)
        }
    }

    @Test func testSetResultUsesTheSameMetric() throws {
        let (graph, training, validation) = try PruningRunnerTests.fixture()
        let result = try PruningRunner.run(graph, training: training, validation: validation,
                                           options: PruningRunnerTests.options(.p2t, ratio: 0.5))
        let test = try PruningRunner.test(graph, pruned: result.graph, on: validation, metric: result.report.metric)
        #expect(test.samples == validation.count)
        #expect(test.baseline == result.report.baseline && test.final == result.report.final)
        let unlabeled = Dataset(inputs: validation.inputs, labels: nil, targets: nil, source: validation.source)
        #expect(throws: DriverError.self) {
            try PruningRunner.test(graph, pruned: result.graph, on: unlabeled, metric: "accuracy")
        }
        var report = result.report
        report.test = test
        #expect(report.text.contains("test samples"))
    }
}
