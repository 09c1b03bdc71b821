internal import HepexcExecutor
internal import HepexcPlan

extension EncryptedTrainer {
    /// One selection round: the keep-mask (random, or from encrypted scores
    /// the client ranks) and the merged training batches.
    func select(epoch: Int, full: [PrunableBatch<Ciphertext>], weights: inout [Ciphertext], pruning: EncryptedDataPruning,
                labels: [Int]) throws -> ([Batch], EncryptedSelectionRound) {
        let samples = labels.count
        let clock = ContinuousClock()
        var round = EncryptedSelectionRound(epoch: epoch, score: EncryptedPruningScore.random.rawValue, candidates: samples,
                                            kept: 0, scoringSeconds: 0, scoringCounts: OpCounts(), scoreBytes: 0, maskBytes: 0,
                                            maskingSeconds: 0, mergeSeconds: 0, mergeRotations: 0, mergeMultiplies: 0,
                                            ciphertextsBefore: 0, ciphertextsAfter: 0, additionalKeys: 0)
        let mask: KeepMask
        if pruning.score == .hefsClient, epoch > 0 {
            round.score = pruning.score.rawValue
            var start = clock.now
            let countsBefore = evaluator.counts
            let packed = try LogitPacker(evaluator: evaluator, layout: layout).pack(full, weights: weights)
            round.scoringSeconds = (clock.now - start).seconds
            round.scoringCounts = evaluator.counts - countsBefore
            start = clock.now
            let bytesBefore = evaluator.ledger.bytesToClient
            let readout = try ClientAidedMasking.readLogits(packed, labels: labels, evaluator: evaluator)
            round.scoreBytes = evaluator.ledger.bytesToClient - bytesBefore
            mask = try keepMask(readout, pruning: pruning, labels: labels)
            round.maskingSeconds = (clock.now - start).seconds
        } else if let method = pruning.score.scoringMethod, epoch > 0 {
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
            mask = try keepMask(readout, pruning: pruning, labels: labels)
            round.maskingSeconds = (clock.now - start).seconds
        } else if pruning.randomUnit == .ciphertexts {
            return randomBatches(full, round: round, pruning: pruning, epoch: epoch)
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

    /// A random subset of whole encrypted batches covering at least k samples
    /// (`RandomSubsetUnit.ciphertexts`): nothing is merged. The client sends
    /// one bit per batch.
    func randomBatches(_ full: [PrunableBatch<Ciphertext>], round: EncryptedSelectionRound, pruning: EncryptedDataPruning,
                       epoch: Int) -> ([Batch], EncryptedSelectionRound) {
        var generator = SubsetGenerator(state: pruning.randomSeed ^ UInt64(epoch))
        let target = pruning.selection.keptCount(of: round.candidates)
        func ciphertexts(_ batch: PrunableBatch<Ciphertext>) -> Int {
            batch.features.reduce(0) { $0 + $1.count } + batch.labels.count
        }
        var round = round, chosen: [Batch] = [], kept = 0, chosenCiphertexts = 0
        for index in full.indices.shuffled(using: &generator) where kept < target {
            let batch = full[index]
            chosen.append(Batch(features: batch.features, labels: batch.labels, count: batch.samples.count))
            kept += batch.samples.count
            chosenCiphertexts += ciphertexts(batch)
        }
        round.kept = kept
        round.maskBytes = (full.count + 7) / 8
        round.ciphertextsBefore = full.reduce(0) { $0 + ciphertexts($1) }
        round.ciphertextsAfter = chosenCiphertexts
        return (chosen, round)
    }

    /// The client's mask from its decrypted scores: class-balanced or the
    /// paper's global top-k.
    func keepMask(_ readout: ScoreReadout, pruning: EncryptedDataPruning, labels: [Int]) throws(DataPruningError) -> KeepMask {
        pruning.balanced
            ? try ClientAidedMasking.balancedKeepMask(readout, labels: labels, selection: pruning.selection)
            : try ClientAidedMasking.keepMask(readout, selection: pruning.selection)
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
