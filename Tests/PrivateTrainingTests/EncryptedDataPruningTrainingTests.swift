import HepexcCKKS
import HepexcExecutor
import HepexcPrivateTraining
import Testing

/// HEPrune's schedule end to end on encrypted data: random subset first,
/// then encrypted scoring, client masks and ciphertext-wise merging.
@Suite struct EncryptedDataPruningTrainingTests {
    let hyperparameters = TrainingHyperparameters(epochs: 3, batchSize: 16, learningRate: 4, momentum: 0.9, schedule: .cosine)

    func setup() throws -> (TrainingProblem, HETALLayout, SoftmaxApproximation) {
        let problem = try TrainingTestSupport.blobs(samples: 64, features: 6, classes: 3, seed: 5)
        let layout = try HETALLayout(slotCount: 128, featureCount: 6, classCount: 3, batchSize: 16,
                                     zeroColumns: problem.zeroColumns)
        return (problem, layout, try SoftmaxApproximation(classCount: 3))
    }

    @Test(arguments: [EncryptedPruningScore.hefsFast, .hefs, .hefsClient, .random])
    func trainsOnTheKeptRowsOnly(score: EncryptedPruningScore) throws {
        let (problem, layout, f) = try setup()
        let pruning = try EncryptedDataPruning(keep: 0.5, selectEvery: 1, score: score, randomUnit: .samples)
        let trainer = EncryptedTrainer(backend: TrainingTestSupport.simulated(slots: 128, levels: 12), layout: layout,
                                       hyperparameters: hyperparameters, approximation: f, refresh: .client)
        var rounds: [EncryptedSelectionRound] = [], epochs: [EncryptedEpoch] = []
        let head = try trainer.train(problem, pruning: pruning, onEpoch: { epochs.append($0) }, onRound: { rounds.append($0) })
        #expect(rounds.count == 3 && epochs.count == 3)
        let rowsPerBlock = layout.rows
        for round in rounds {
            #expect(round.kept == 32 && round.candidates == 64)
            #expect(round.maskBytes == 8)
            // ⌈32 / s0⌉ merged row blocks, each feature block plus a label block.
            #expect(round.ciphertextsAfter == ((32 + rowsPerBlock - 1) / rowsPerBlock) * (layout.columnBlocks + 1))
            #expect(round.ciphertextsAfter < round.ciphertextsBefore)
        }
        // The first round is random; later ones score every sample (unless random).
        #expect(rounds[0].score == "random" && rounds[0].scoreBytes == 0)
        if score != .random {
            #expect(rounds[1].score == score.rawValue && rounds[1].scoreBytes > 0 && rounds[1].scoringCounts.cipherMultiplies > 0)
        }
        for epoch in epochs { #expect(epoch.steps == (32 + rowsPerBlock - 1) / rowsPerBlock) }
        #expect(head.accuracy(problem.features, problem.labels) > 0.8)
    }

    @Test("A random first round takes whole ciphertexts: nothing merged, at least k samples")
    func randomWholeCiphertexts() throws {
        let (problem, layout, f) = try setup()
        let pruning = try EncryptedDataPruning(keep: 0.4, selectEvery: 2, score: .hefsClient)
        #expect(pruning.randomUnit == .ciphertexts)
        let trainer = EncryptedTrainer(backend: TrainingTestSupport.simulated(slots: 128, levels: 12), layout: layout,
                                       hyperparameters: hyperparameters, approximation: f, refresh: .client)
        var rounds: [EncryptedSelectionRound] = [], epochs: [EncryptedEpoch] = []
        _ = try trainer.train(problem, pruning: pruning, onEpoch: { epochs.append($0) }, onRound: { rounds.append($0) })
        #expect(rounds.count == 2)
        // 64 samples in 4 batches of 16: k = round(0.4 · 64) = 26 needs 2 whole batches (32 samples).
        let first = rounds[0]
        #expect(first.score == "random" && first.kept == 32 && first.mergeSeconds == 0 && first.mergeRotations == 0)
        #expect(first.maskBytes == 1)
        let perBatch = layout.rowBlocks * (layout.columnBlocks + 1)
        #expect(first.ciphertextsBefore == 4 * perBatch && first.ciphertextsAfter == 2 * perBatch)
        #expect(epochs[0].steps == 2)
        // The scored round keeps exactly k samples, merged.
        #expect(rounds[1].score == "hefs-client" && rounds[1].kept == 26)
    }

    @Test func badScheduleOptionsAreErrors() {
        #expect(throws: DataPruningError.self) { _ = try EncryptedDataPruning(keep: 0) }
        #expect(throws: DataPruningError.self) { _ = try EncryptedDataPruning(keep: 1.2) }
        #expect(throws: DataPruningError.self) { _ = try EncryptedDataPruning(keep: 0.5, selectEvery: 0) }
        #expect(throws: DataPruningError.self) { _ = try EncryptedDataPruning(keep: 0.5, window: 1) }
    }
}
