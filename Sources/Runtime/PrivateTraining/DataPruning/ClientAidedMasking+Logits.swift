internal import Foundation
public import HepexcExecutor

extension ClientAidedMasking {
    /// The client's side of `--score hefs-client`: decrypts the packed logits
    /// (the evaluator books the bytes to the client) and computes each
    /// sample's exact HEFS score Σₖ|softmax(z)ₖ − Yₖ| from its own label.
    ///
    /// What it reveals: the client learns its own samples' logits under the
    /// current model — no more than the trained model it receives at the end
    /// gives it; the server learns nothing new (it sends ciphertexts and
    /// receives the same one-bit-per-sample mask as with server-side HEFS).
    ///
    /// - Parameter labels: the label of every sample id (the client's).
    /// - Returns: the scores in the order of `packed.entries`.
    /// - Throws: `DataPruningError.invalidScore` (a non-finite logit),
    ///   `.logitOutOfRange` (a logit beyond `packed.plausibleMagnitude`: the
    ///   model diverged or a value wrapped around), `.unknownSample`,
    ///   `.shapeMismatch`, `.training`.
    public static func readLogits<Base: HEBackend>(_ packed: PackedLogits<Base.Ciphertext>, labels: [Int],
                                                   evaluator: LeveledEvaluator<Base>) throws(DataPruningError) -> ScoreReadout {
        let before = evaluator.ledger.bytesToClient
        let plain = try DataPruningError.lifting { () throws(PrivateTrainingError) in
            try packed.ciphertexts.map { ct throws(PrivateTrainingError) in try evaluator.decrypt(ct) }
        }
        let bound = packed.plausibleMagnitude
        var scores: [Double] = []
        scores.reserveCapacity(packed.entries.count)
        for entry in packed.entries {
            guard entry.ciphertext >= 0, entry.ciphertext < plain.count else {
                throw .shapeMismatch("sample \(entry.sample) maps to ciphertext \(entry.ciphertext) of \(plain.count)")
            }
            guard entry.sample >= 0, entry.sample < labels.count else { throw .unknownSample(entry.sample) }
            let label = labels[entry.sample]
            guard label >= 0, label < entry.slots.count else {
                throw .shapeMismatch("sample \(entry.sample) has label \(label) but \(entry.slots.count) classes")
            }
            var logits: [Double] = []
            logits.reserveCapacity(entry.slots.count)
            for slot in entry.slots {
                guard slot >= 0, slot < plain[entry.ciphertext].count else {
                    throw .shapeMismatch("sample \(entry.sample) maps to slot \(slot)")
                }
                let z = plain[entry.ciphertext][slot]
                guard z.isFinite else { throw .invalidScore(sample: entry.sample, value: z) }
                guard abs(z) <= bound else { throw .logitOutOfRange(sample: entry.sample, logit: z, bound: bound) }
                logits.append(z)
            }
            scores.append(exactHEFS(logits: logits, label: label))
        }
        return ScoreReadout(samples: packed.entries.map(\.sample), scores: scores,
                            bytesReceived: evaluator.ledger.bytesToClient - before)
    }

    /// Σₖ|softmax(z)ₖ − Yₖ| = 2 − 2·softmax(z)_y, computed stably.
    static func exactHEFS(logits: [Double], label: Int) -> Double {
        let largest = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.enumerated().reduce(0) { sum, term in
            sum + abs(term.element / total - (term.offset == label ? 1 : 0))
        }
    }
}
