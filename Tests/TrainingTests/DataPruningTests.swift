import _HepexcTestSupport
import HepexcData
import HepexcIR
@testable import HepexcTraining
import Testing

@Suite("Dynamic data pruning")
struct DataPruningTests {
    static func train(_ pruning: DataPruningOptions?, epochs: Int, seed: UInt64 = 1,
                      data: Dataset? = nil) throws -> (summary: TrainingSummary, graph: Graph) {
        let (training, held) = try Trainer.split(try data ?? TrainerTests.digits(), validationFraction: 0.25, seed: 1)
        let network = try Network(try TrainerTests.digitsMLP(), options: .init(initialize: true, seed: seed))
        let trainer = try Trainer(network: network, options: TrainingOptions(epochs: epochs, batchSize: 32, learningRate: 3e-3,
                                                                             seed: seed, dataPruning: pruning))
        return (try trainer.train(on: training, validation: held), network.exportedGraph())
    }

    @Test("random subset first, then re-selection every k epochs; exact counts in the report")
    func schedule() throws {
        let pruning = try DataPruningOptions(keep: 0.3, selectEvery: 2, score: .hefs, window: 0.05)
        let (summary, _) = try Self.train(pruning, epochs: 5)
        let n = summary.trainingSamples, k = Int((0.3 * Double(n)).rounded(.up))
        let report = try #require(summary.dataPruning)
        #expect(report.rounds.map(\.epoch) == [1, 3, 5])
        #expect(report.rounds.map(\.score) == ["random", "hefs", "hefs"])
        #expect(report.rounds.allSatisfy { $0.kept == k && $0.candidates == n && $0.scoringSeconds >= 0 })
        #expect(report.rounds[0].retained == nil && report.rounds[1].retained != nil)
        #expect(report.samplesProcessed == 5 * k)
        #expect(report.fullDataSamples == 5 * n)
        #expect(report.samplesScored == 2 * n)
        #expect(summary.epochs.map(\.samples) == Array(repeating: k, count: 5))
        #expect(summary.epochs.map { $0.selection?.epoch } == [1, nil, 3, nil, 5])
        #expect(summary.epochs.count == 5)
    }

    @Test("training on the kept subset still learns; the same seed reproduces the run")
    func learnsAndIsDeterministic() throws {
        let pruning = try DataPruningOptions(keep: 0.5, selectEvery: 5, score: "hefs-fast")
        let (first, graph) = try Self.train(pruning, epochs: 40, seed: 2)
        let accuracy = try #require(first.epochs.last?.validationAccuracy)
        #expect(accuracy >= 0.85, "validation accuracy \(accuracy)")
        let (second, again) = try Self.train(pruning, epochs: 40, seed: 2)
        #expect(graph == again)
        #expect(first.dataPruning?.rounds.map(\.retained) == second.dataPruning?.rounds.map(\.retained))
        // hefs and hefs-fast choose almost the same samples from the same model state.
        let (exact, _) = try Self.train(try DataPruningOptions(keep: 0.5, selectEvery: 3, score: .l1), epochs: 4, seed: 2)
        let (fast, _) = try Self.train(try DataPruningOptions(keep: 0.5, selectEvery: 3, score: .hefsFast), epochs: 4, seed: 2)
        #expect(exact.epochs.map(\.loss) == fast.epochs.map(\.loss))   // ℓ1 = 2 − 2⟨P, Y⟩ for probabilities
    }

    @Test("without pruning options nothing changes; keep 1 trains every epoch on all samples")
    func absentOrFull() throws {
        let (plain, _) = try Self.train(nil, epochs: 2)
        #expect(plain.dataPruning == nil)
        #expect(plain.epochs.allSatisfy { $0.samples == nil && $0.selection == nil })
        let (full, _) = try Self.train(try DataPruningOptions(keep: 1, selectEvery: 1, score: .random), epochs: 2)
        #expect(full.dataPruning?.samplesProcessed == 2 * full.trainingSamples)
        #expect(full.dataPruning?.samplesScored == 0)
    }

    @Test("bad options: --keep outside (0, 1], --select-every 0, unknown score, a window too large, no labels")
    func errors() throws {
        for keep in [0, 1.01, -1, .nan] {
            #expect(throws: TrainingError.self) { try DataPruningOptions(keep: keep) }
        }
        #expect(throws: TrainingError.invalidOption("the selection interval (--select-every) must be at least 1 epoch, got 0")) {
            try DataPruningOptions(keep: 0.1, selectEvery: 0)
        }
        #expect(throws: TrainingError.self) { try DataPruningOptions(keep: 0.1, score: "loss") }
        #expect(throws: TrainingError.self) { try DataPruningOptions(keep: 0.1, window: 1) }
        // Checked against the data before any epoch runs.
        let digits = try TrainerTests.digits().prefix(100)
        let tooWide = try DataPruningOptions(keep: 0.5, window: 0.6)
        #expect(throws: TrainingError.windowTooLarge(window: 0.6, skipped: 45, kept: 38, samples: 75)) {
            try Self.train(tooWide, epochs: 1, data: digits)
        }
        let network = try Network(try TrainerTests.digitsMLP(), options: .init(initialize: true))
        let mse = try Trainer(network: network, options: TrainingOptions(epochs: 1, loss: .meanSquaredError,
                                                                          dataPruning: try DataPruningOptions(keep: 0.5)))
        let source = Dataset.Source(path: "<memory>", format: .npz)
        let regression = Dataset(inputs: Tensor(zeros: [4, 64]), targets: Tensor(zeros: [4, 10]), source: source)
        #expect(throws: TrainingError.self) { try mse.train(on: regression) }
    }
}
