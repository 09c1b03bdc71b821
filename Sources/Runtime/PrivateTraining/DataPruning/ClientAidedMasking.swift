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
