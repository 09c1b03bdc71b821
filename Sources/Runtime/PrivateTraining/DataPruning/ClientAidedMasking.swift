public import HepexcExecutor

/// The scores the client decrypted, one per sample.
public struct ScoreReadout: Sendable, Equatable {
    /// Sample ids, in the order of `PackedScores.slots`.
    public let samples: [Int]
    public let scores: [Double]
    /// Bytes of score ciphertexts the server sent (level 0).
    public let bytesReceived: Int

    public init(samples: [Int], scores: [Double], bytesReceived: Int) {
        self.samples = samples
        self.scores = scores
        self.bytesReceived = bytesReceived
    }
}

/// The client's answer: which samples the server keeps until the next round.
public struct KeepMask: Sendable, Equatable {
    /// The kept sample ids, ascending (exactly k = ⌈p·n⌉ of them).
    public let keptSamples: [Int]
    /// Samples the mask covers (n).
    public let sampleCount: Int
    /// Bytes of the mask sent to the server in the clear: ⌈n/8⌉.
    public var bytes: Int { (sampleCount + 7) / 8 }

    public init(keptSamples: [Int], sampleCount: Int) {
        self.keptSamples = keptSamples
        self.sampleCount = sampleCount
    }
}

/// Client-aided masking (CAM, research note §3), the client's side: decrypt
/// the packed scores, read one score per sample, select the top k after the
/// window, and return the mask, which goes to the server **in the clear**.
///
/// What the mask reveals: to the server, one bit per sample per selection
/// round — which sample ids are kept (hence k), and how the kept set changes
/// between rounds (which samples the current model finds hard). It learns no
/// feature, label, prediction or score. The client learns the scores of its
/// own samples, which it could compute from the model it receives anyway.
public enum ClientAidedMasking {
    /// Decrypts the packed scores (the evaluator books the bytes to the
    /// client) and checks every score.
    ///
    /// - Returns: the scores in the order of `packed.slots`.
    /// - Throws: `DataPruningError.invalidScore` (NaN),
    ///   `.scoreOutOfRange` (outside `packed.plausibleRange`: the sign
    ///   polynomial's input left [−1, 1]), `.shapeMismatch`, `.training`.
    public static func readScores<Base: HEBackend>(_ packed: PackedScores<Base.Ciphertext>,
                                                   evaluator: LeveledEvaluator<Base>) throws(DataPruningError) -> ScoreReadout {
        let before = evaluator.ledger.bytesToClient
        let plain = try DataPruningError.lifting { () throws(PrivateTrainingError) in
            try packed.ciphertexts.map { ct throws(PrivateTrainingError) in try evaluator.decrypt(ct) }
        }
        var scores: [Double] = []
        scores.reserveCapacity(packed.slots.count)
        for entry in packed.slots {
            guard entry.ciphertext >= 0, entry.ciphertext < plain.count,
                  entry.slot >= 0, entry.slot < plain[entry.ciphertext].count else {
                throw .shapeMismatch("sample \(entry.sample) maps to ciphertext \(entry.ciphertext), slot \(entry.slot)")
            }
            let score = plain[entry.ciphertext][entry.slot]
            guard !score.isNaN else { throw .invalidScore(sample: entry.sample, value: score) }
            guard packed.plausibleRange.contains(score) else {
                throw .scoreOutOfRange(sample: entry.sample, score: score, range: packed.plausibleRange)
            }
            scores.append(score)
        }
        return ScoreReadout(samples: packed.slots.map(\.sample), scores: scores,
                            bytesReceived: evaluator.ledger.bytesToClient - before)
    }

    /// The keep-mask for decrypted scores.
    ///
    /// - Throws: the errors of `KeepSelection.keptSamples(scores:samples:)`.
    public static func keepMask(_ readout: ScoreReadout, selection: KeepSelection) throws(DataPruningError) -> KeepMask {
        KeepMask(keptSamples: try selection.keptSamples(scores: readout.scores, samples: readout.samples),
                 sampleCount: readout.samples.count)
    }
}

extension ClientAidedMasking {
    /// The class-balanced keep-mask: the client (who owns the labels) keeps
    /// exactly k = ⌈p·n⌉ samples, each class its share of k (largest
    /// remainders, ties to the lower class), the highest scores within each
    /// class after skipping the class's own top `round(w·n_c)`. Without it,
    /// hardest-first selection on a small softmax head keeps a few
    /// confusable classes and the head forgets the rest; the server learns
    /// the same thing as before: one bit per sample.
    ///
    /// - Parameter labels: the label of every sample id.
    /// - Throws: `DataPruningError` for NaN scores, unknown sample ids or
    ///   the selection's option errors.
    public static func balancedKeepMask(_ readout: ScoreReadout, labels: [Int],
                                        selection: KeepSelection) throws(DataPruningError) -> KeepMask {
        let n = readout.samples.count
        let k = selection.keptCount(of: n)
        guard n > 0 else { throw .noSamples }
        var byClass: [Int: [(score: Double, sample: Int)]] = [:]
        for (score, sample) in zip(readout.scores, readout.samples) {
            guard !score.isNaN else { throw .invalidScore(sample: sample, value: score) }
            guard sample >= 0, sample < labels.count else { throw .unknownSample(sample) }
            byClass[labels[sample], default: []].append((score, sample))
        }
        let classes = byClass.keys.sorted()
        // Largest-remainder quotas summing to exactly k.
        var quotas: [Int: Int] = [:]
        var remainders: [(fraction: Double, label: Int)] = []
        for label in classes {
            let share = Double(k) * Double(byClass[label]?.count ?? 0) / Double(n)
            quotas[label] = Int(share.rounded(.down))
            remainders.append((share - share.rounded(.down), label))
        }
        var missing = k - quotas.values.reduce(0, +)
        for entry in remainders.sorted(by: { $0.fraction != $1.fraction ? $0.fraction > $1.fraction : $0.label < $1.label })
        where missing > 0 {
            quotas[entry.label, default: 0] += 1
            missing -= 1
        }
        var kept: [Int] = []
        for label in classes {
            let members = (byClass[label] ?? []).sorted { $0.score != $1.score ? $0.score > $1.score : $0.sample < $1.sample }
            let quota = min(quotas[label] ?? 0, members.count)
            let skip = min(Int((selection.window * Double(members.count)).rounded(.toNearestOrEven)), members.count - quota)
            kept += members[skip..<(skip + quota)].map(\.sample)
        }
        return KeepMask(keptSamples: kept.sorted(), sampleCount: n)
    }
}
