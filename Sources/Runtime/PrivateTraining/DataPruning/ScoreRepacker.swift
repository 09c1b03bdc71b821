public import HepexcExecutor
public import HepexcPlan

/// Where one sample's score sits in the packed score ciphertexts.
public struct ScoreSlot: Sendable, Equatable, Codable {
    /// The original sample id.
    public let sample: Int
    /// Index into `PackedScores.ciphertexts`.
    public let ciphertext: Int
    public let slot: Int
}

/// Scores packed densely at level 0, ready to send to the client.
public struct PackedScores<Ciphertext> {
    /// ⌈row blocks / s1⌉ ciphertexts at level 0; slot `ScoreSlot.slot` holds S.
    public var ciphertexts: [Ciphertext]
    /// One entry per scored sample (the server's public map, sent along).
    public let slots: [ScoreSlot]
    /// The range every correct score lies in.
    public let plausibleRange: ClosedRange<Double>
    /// The operations the repacking performed.
    public let counts: OpCounts
}

/// Repacks per-row-block scores (column 0 of every row, stride s1 slots) into
/// as few ciphertexts as possible and drops them to level 0 before sending
/// (research note §3: sent one by one, CIFAR-10's 342 score ciphertexts
/// would be ~342 MiB; dense, 2).
///
/// Row block j goes to ciphertext ⌊j/s1⌋, offset q = j mod s1: its row r's
/// score lands in slot r·s1 + q, so one ciphertext holds s1 blocks × s0 rows
/// = every slot. Per block: one level drop (if above level 1) and one
/// ct×mask product that lands exactly on level 0 / Δ₀, the mask selecting the
/// real rows' column 0 and carrying the public `factor`. The blocks of a
/// ciphertext are then combined by a binary tree, stage k adding the right
/// neighbour rotated right by 2ᵏ: s1 − 1 rotations and s1 − 1 additions per
/// full ciphertext, all at level 0 (the cheapest key switches), plus one
/// constant addition for `offset`. The rotation keys are the right rotations
/// by 1, 2, …, s1/2, which `HETALLayout.rotationSteps` already holds (row
/// broadcasts), so repacking needs **no new Galois keys**; direct keys for
/// every offset would need s1 − 1 keys for the same rotation count.
public struct ScoreRepacker<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let evaluator: LeveledEvaluator<Base>
    public let layout: HETALLayout

    public init(evaluator: LeveledEvaluator<Base>, layout: HETALLayout) {
        self.evaluator = evaluator
        self.layout = layout
    }

    /// The left-rotation steps repacking uses (n − 2ᵏ, 2ᵏ < s1).
    public static func rotationSteps(layout: HETALLayout) -> [Int] {
        var steps: [Int] = []
        var shift = 1
        while shift < layout.columns { steps.append(layout.slotCount - shift); shift <<= 1 }
        return steps
    }

    /// ⌈row blocks / s1⌉.
    public static func ciphertextCount(rowBlocks: Int, layout: HETALLayout) -> Int {
        (rowBlocks + layout.columns - 1) / layout.columns
    }

    /// - Parameters:
    ///   - scores: one ciphertext per row block (`HEFSScorer.score`).
    ///   - samples: for every row block, the sample ids of its rows 0..<count
    ///     (at most s0; rows beyond are padding and are masked out).
    /// - Returns: the packed level-0 ciphertexts and the slot of every sample.
    /// - Throws: `DataPruningError.shapeMismatch`, `.training`.
    public func repack(_ scores: BlockScores<Ciphertext>, samples: [[Int]]) throws(DataPruningError) -> PackedScores<Ciphertext> {
        guard scores.ciphertexts.count == samples.count else {
            throw .shapeMismatch("\(scores.ciphertexts.count) score blocks but sample ids for \(samples.count)")
        }
        if let bad = samples.firstIndex(where: { $0.count > layout.rows }) {
            throw .shapeMismatch("row block \(bad) lists \(samples[bad].count) samples, a block holds \(layout.rows)")
        }
        let before = evaluator.counts
        let s1 = layout.columns
        var packed: [Ciphertext] = [], slots: [ScoreSlot] = []
        for groupStart in stride(from: 0, to: samples.count, by: s1) {
            let members = groupStart..<min(groupStart + s1, samples.count)
            guard !members.isEmpty else { continue }
            var dense = try DataPruningError.lifting { () throws(PrivateTrainingError) in
                try evaluator.shiftedSum(members.map { j throws(PrivateTrainingError) in
                    try maskToLevelZero(scores.ciphertexts[j], rows: samples[j].count, factor: scores.factor)
                })
            }
            if scores.offset != 0 {
                dense = try DataPruningError.lifting { () throws(PrivateTrainingError) in
                    try evaluator.add(dense, constant: scores.offset)
                }
            }
            for j in members {
                for (r, sample) in samples[j].enumerated() {
                    slots.append(ScoreSlot(sample: sample, ciphertext: packed.count, slot: r * s1 + (j - groupStart)))
                }
            }
            packed.append(dense)
        }
        return PackedScores(ciphertexts: packed, slots: slots, plausibleRange: scores.plausibleRange,
                            counts: evaluator.counts - before)
    }

    /// `factor` × column 0 of rows 0..<rows, everything else 0, at level 0
    /// and scale Δ₀: a level drop to 1 and one ct×mask product + rescale.
    func maskToLevelZero(_ ciphertext: Ciphertext, rows: Int, factor: Double) throws(PrivateTrainingError) -> Ciphertext {
        var values = [Double](repeating: 0, count: layout.slotCount)
        for r in 0..<rows { values[r * layout.columns] = factor }
        let ready = try evaluator.ensure(ciphertext, levels: 1, for: "score repacking")
        let backend = evaluator.backend
        let dropped = evaluator.level(ready) > 1 ? try evaluator.run { try backend.dropLevel(ready, to: 1) } : ready
        let scale = evaluator.scales[0] * backend.modulus(atLevel: 1) / backend.scale(of: dropped)
        let key = "repack.\(rows).\(factor).\(evaluator.level(ready)).\(backend.scale(of: dropped))"
        let mask = try evaluator.plaintext(values, key: key, level: 1, scale: scale, purpose: .mask)
        return try evaluator.run { try backend.rescale(backend.multiply(dropped, plain: mask)) }
    }
}
