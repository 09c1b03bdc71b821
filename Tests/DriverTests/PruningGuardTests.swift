import HepexcData
import HepexcDriver
import HepexcIR
import Testing
import _HepexcTestSupport

/// A scheme that removes every tile of a layer leaves a model whose output
/// no longer depends on its input: refused, and never within a search's budget.
@Suite(.serialized) struct PruningGuardTests {
    @Test func schemeThatEmptiesALayerIsRefused() throws {
        let (graph, training, validation) = try PruningRunnerTests.fixture()
        let options = PruningRunner.Options(scheme: .p2t, ratio: 1.0, t1: 8, t2: 8, epochs: 1, batchSize: 32, seed: 3)
        #expect {
            _ = try PruningRunner.run(graph, training: training, validation: validation, options: options)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("scheme p2t at ratio 1.0 removed every tile of %")
                && message.hasSuffix("no plan written: lower --prune-ratio, cap the output layer with --output-ratio, or search with --max-accuracy-drop")
        }
    }
}
