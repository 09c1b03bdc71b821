public import HepexcExecutor
internal import HepexcPlan

extension EncryptedTrainer {
    /// Encrypted training with HEPrune's dynamic data pruning
    /// (``EncryptedDataPruning``): the client encrypts the whole data set
    /// once; at every selection round the server scores all of it with the
    /// current encrypted model, the client decrypts only the packed scores
    /// and returns a keep-mask, and the server trains on a dense merged copy
    /// of the kept rows. The full encrypted set is kept for later rounds.
    ///
    /// - Parameters:
    ///   - onEpoch: every epoch's record, as ``train(_:onEpoch:)``.
    ///   - onRound: every selection round's record.
    /// - Returns: the decrypted head after the last epoch.
    /// - Throws: `PrivateTrainingError`, `DataPruningError`, or what the
    ///   callbacks throw.
    public func train(_ problem: TrainingProblem, pruning: EncryptedDataPruning,
                      onEpoch: (EncryptedEpoch) throws -> Void = { _ in },
                      onRound: (EncryptedSelectionRound) throws -> Void = { _ in }) throws -> HeadModel {
        try hyperparameters.validate()
        let clock = ContinuousClock()
        var times = PhaseTimes()
        var start = clock.now
        let full = try encryptedBatches(problem)
        let zero = layout.packWeights(HeadModel.zero(layout).matrix)
        var weights = try zero.map { slots throws(PrivateTrainingError) in try evaluator.encrypt(slots) }
        var velocity = try zero.map { slots throws(PrivateTrainingError) in try evaluator.encrypt(slots) }
        times.encrypt = (clock.now - start).seconds

        let n = problem.features.count
        let kept = pruning.selection.keptCount(of: n)
        let stepsPerEpoch = (kept + layout.rows - 1) / layout.rows
        let steps = hyperparameters.epochs * stepsPerEpoch
        var previousRate = hyperparameters.learningRate(step: 0, of: steps)
        var step = 0
        var head = HeadModel.zero(layout)
        var training: [Batch] = []
        for epoch in 0..<hyperparameters.epochs {
            let countsBefore = evaluator.counts, trafficBefore = evaluator.ledger
            let refreshBefore = evaluator.refreshSeconds
            if pruning.selects(before: epoch) {
                let (batches, round) = try select(epoch: epoch, full: full, weights: &weights, pruning: pruning, samples: n)
                training = batches
                try onRound(round)
            }
            var rate = previousRate
            for batch in training {
                rate = hyperparameters.learningRate(step: min(step, steps - 1), of: steps)
                try self.step(batch, weights: &weights, velocity: &velocity, rate: rate,
                              carry: hyperparameters.momentum * rate / previousRate, times: &times)
                previousRate = rate
                step += 1
            }
            start = clock.now
            let blocks = try weights.map { ct throws(PrivateTrainingError) in try evaluator.decrypt(ct) }
            head = HeadModel(layout: layout, matrix: layout.unpackWeights(blocks))
            times.decrypt += (clock.now - start).seconds
            times.refresh = evaluator.refreshSeconds - refreshBefore
            try onEpoch(EncryptedEpoch(epoch: epoch, head: head, times: times, counts: evaluator.counts - countsBefore,
                                       traffic: evaluator.ledger - trafficBefore, steps: training.count, learningRate: rate))
            times = PhaseTimes()
        }
        return head
    }

    /// The client's one-time encryption of the data set, batch by batch,
    /// with each batch's sample ids.
    func encryptedBatches(_ problem: TrainingProblem) throws(PrivateTrainingError) -> [PrunableBatch<Ciphertext>] {
        try problem.batches(of: hyperparameters.batchSize).map { range throws(PrivateTrainingError) in
            let features = try layout.packFeatures(Array(problem.features[range])).map { row throws(PrivateTrainingError) in
                try row.map { slots throws(PrivateTrainingError) in try evaluator.encrypt(slots) }
            }
            let labels = try layout.packLabels(Array(problem.labels[range])).map { slots throws(PrivateTrainingError) in
                try evaluator.encrypt(slots)
            }
            return PrunableBatch(features: features, labels: labels, samples: Array(range))
        }
    }

    /// One selection round: the keep-mask (random, or from encrypted scores
    /// the client ranks) and the merged training batches.
    func select(epoch: Int, full: [PrunableBatch<Ciphertext>], weights: inout [Ciphertext], pruning: EncryptedDataPruning,
                samples: Int) throws -> ([Batch], EncryptedSelectionRound) {
        let clock = ContinuousClock()
        var round = EncryptedSelectionRound(epoch: epoch, score: EncryptedPruningScore.random.rawValue, candidates: samples,
                                            kept: 0, scoringSeconds: 0, scoringCounts: OpCounts(), scoreBytes: 0, maskBytes: 0,
                                            maskingSeconds: 0, mergeSeconds: 0, mergeRotations: 0, mergeMultiplies: 0,
                                            ciphertextsBefore: 0, ciphertextsAfter: 0, additionalKeys: 0)
        let mask: KeepMask
        if let method = pruning.score.scoringMethod, epoch > 0 {
            round.score = pruning.score.rawValue
            var start = clock.now
            let countsBefore = evaluator.counts
            let packed = try scores(full, weights: &weights, method: method)
            round.scoringSeconds = (clock.now - start).seconds
            round.scoringCounts = evaluator.counts - countsBefore
            start = clock.now
            let bytesBefore = evaluator.ledger.bytesToClient
            let readout = try ClientAidedMasking.readScores(packed, evaluator: evaluator)
            round.scoreBytes = evaluator.ledger.bytesToClient - bytesBefore
            mask = try ClientAidedMasking.keepMask(readout, selection: pruning.selection)
            round.maskingSeconds = (clock.now - start).seconds
        } else {
            // The first round has no model to score with: the client draws a
            // random subset (seeded from the system CSPRNG; it reveals nothing).
            var generator = SubsetGenerator(state: pruning.randomSeed ^ UInt64(epoch))
            let chosen = Array(0..<samples).shuffled(using: &generator).prefix(pruning.selection.keptCount(of: samples))
            mask = KeepMask(keptSamples: chosen.sorted(), sampleCount: samples)
        }
        round.kept = mask.keptSamples.count
        round.maskBytes = mask.bytes
        let start = clock.now
        let merged = try CiphertextPruner(evaluator: evaluator, layout: layout, keys: pruning.keys).merge(full, keeping: mask)
        round.mergeSeconds = (clock.now - start).seconds
        round.mergeRotations = merged.report.counts.rotations
        round.mergeMultiplies = merged.report.counts.plainMultiplies + merged.report.counts.maskMultiplies
        round.ciphertextsBefore = merged.report.ciphertextsBefore
        round.ciphertextsAfter = merged.report.ciphertextsAfter
        round.additionalKeys = merged.report.additionalKeys
        let batches = merged.blocks.map { Batch(features: [$0.features], labels: [$0.labels], count: $0.count) }
        return (batches, round)
    }

    /// Server: the current model's predictions for every encrypted sample,
    /// scored and packed densely at the lowest level for the client.
    func scores(_ full: [PrunableBatch<Ciphertext>], weights: inout [Ciphertext],
                method: ScoringMethod) throws -> PackedScores<Ciphertext> {
        let scale = approximation.inputScale
        weights = try weights.map { w throws(PrivateTrainingError) in try evaluator.ensure(w, levels: 2, for: "scoring") }
        var predictions: [Ciphertext] = [], labels: [Ciphertext] = [], rows: [[Int]] = []
        for batch in full {
            let logits = try products.logits(features: batch.features, weights: weights, scale: scale, negatedMeanScale: scale)
            for a in batch.labels.indices {
                let (numerator, inverse) = try softmax.normalised(logits: logits.logits[a], negatedMean: logits.negatedMeans[a])
                let clean = try evaluator.multiply(numerator, plain: layout.columnRangeMask(upTo: layout.paddedClasses),
                                                   key: "hefs.p")
                predictions.append(try evaluator.multiply(clean, inverse))
                labels.append(batch.labels[a])
                let first = a * layout.rows
                rows.append(Array(batch.samples[min(first, batch.samples.count)..<min(first + layout.rows, batch.samples.count)]))
            }
        }
        let scorer = try HEFSScorer(evaluator: evaluator, layout: layout,
                                    inputBound: min(1 + approximation.errorBound, CompositeSign.maximumInputBound))
        let block = try scorer.score(method, predictions: predictions, labels: labels)
        return try ScoreRepacker(evaluator: evaluator, layout: layout).repack(block, samples: rows)
    }
}
