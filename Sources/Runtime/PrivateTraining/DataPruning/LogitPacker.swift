public import HepexcExecutor
public import HepexcPlan

/// Where one sample's logits sit in the packed logit ciphertexts.
public struct LogitSlots: Sendable, Equatable, Codable {
    /// The original sample id.
    public let sample: Int
    /// Index into `PackedLogits.ciphertexts`.
    public let ciphertext: Int
    /// The slot of class k's logit, k = 0 ..< classes.
    public let slots: [Int]
}

/// Logits packed densely at level 0, ready to send to the client
/// (`EncryptedPruningScore.hefsClient`).
public struct PackedLogits<Ciphertext> {
    public var ciphertexts: [Ciphertext]
    /// One entry per scored sample (the server's public map, sent along).
    public let entries: [LogitSlots]
    /// |z| beyond this cannot be a correct logit: it is half of what level 0
    /// represents, so a larger value means the model diverged or a value
    /// wrapped around the modulus.
    public let plausibleMagnitude: Double
    /// The operations the packing performed.
    public let counts: OpCounts
}

/// The server's side of client-computed HEFS (`--score hefs-client`): the
/// current model's logits z = W·x for every encrypted sample, packed densely
/// at level 0. The client decrypts them and computes the exact HEFS score
/// Σₖ|softmax(z)ₖ − Yₖ| itself (`ClientAidedMasking.readLogits`), so the
/// server runs no softmax and no sign polynomial at all.
///
/// Per row block (features X, weights W in HETAL's layout, c = padded
/// classes, s1 = columns): P_t = X ⊙ rot(W, t·s1) holds in row r, column j
/// the term x_rj·w_{(r+t) mod c, j}. Instead of summing each P_t's row on its
/// own (log₂ s1 + 1 rotations each, c·(log₂ s1 + 1) per block, HETAL's
/// DiagABT), the c vectors are summed *together*: log₂ c stages each halve
/// the groups' width and pair the vectors — A = V + rot(V, h) is valid in
/// the first half of every group, B = V′ + rot(V′, −h) in the second, and
/// A⊙lo + B⊙hi holds both — so after the stages one ciphertext holds c
/// groups of q = s1/c columns, group g the partial sums of one diagonal t_g;
/// log₂ q rotate-and-adds finish the sums in each group's first column. That
/// is 2(c − 1) + log₂ q rotations per block instead of c·(log₂ s1 + 1)
/// (32 instead of 112 at c = 16, s1 = 64), at depth 1 + log₂ c + 1, all of
/// it run at the lowest levels (the operands are lowered first), where key
/// switching is cheapest. Up to q blocks then share one level-0 ciphertext
/// (block i shifted right by i columns: q − 1 rotations at level 0). Every
/// rotation is one the training layout already has keys for.
/// The B column blocks' products for one diagonal are one inner product
/// (`LeveledEvaluator.innerProduct`): c relinearizations per row block
/// instead of c·B.
public struct LogitPacker<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let evaluator: LeveledEvaluator<Base>
    public let layout: HETALLayout

    public init(evaluator: LeveledEvaluator<Base>, layout: HETALLayout) {
        self.evaluator = evaluator
        self.layout = layout
    }

    /// log₂ c, the combining stages.
    var stages: Int { HETALLayout.log2(layout.paddedClasses) }
    /// q = s1 / c: the width of a diagonal's group after combining (≥ 2).
    var groupWidth: Int { layout.columns / layout.paddedClasses }
    /// The level the operands are lowered to: the product, the stages and
    /// the final mask land exactly on level 0.
    public var workingLevel: Int { stages + 2 }

    /// - Parameters:
    ///   - batches: the full encrypted set (every sample is scored).
    ///   - weights: one weight ciphertext per column block.
    /// - Returns: the packed level-0 logits and every sample's slots.
    /// - Throws: `DataPruningError.shapeMismatch`, `.training`.
    public func pack(_ batches: [PrunableBatch<Ciphertext>], weights: [Ciphertext]) throws(DataPruningError) -> PackedLogits<Ciphertext> {
        guard weights.count == layout.columnBlocks else {
            throw .shapeMismatch("\(weights.count) weight blocks but the layout has \(layout.columnBlocks) column blocks")
        }
        let before = evaluator.counts
        return try DataPruningError.lifting { () throws(PrivateTrainingError) in
            let c = layout.paddedClasses, s1 = layout.columns, target = workingLevel
            let lowered = try weights.map { w throws(PrivateTrainingError) in
                try evaluator.lower(evaluator.ensure(w, levels: target, for: "logit scoring"), to: target)
            }
            let rotated = try lowered.map { w throws(PrivateTrainingError) in try evaluator.rotations(w, by: (0..<c).map { $0 * s1 }) }
            var blocks: [(ciphertext: Ciphertext, rows: [Int], diagonals: [Int])] = []
            for batch in batches {
                for (a, row) in batch.features.enumerated() {
                    guard row.count == rotated.count else {
                        throw PrivateTrainingError.backend("row block \(a) has \(row.count) column blocks, the weights \(rotated.count)")
                    }
                    let first = a * layout.rows
                    let samples = Array(batch.samples[min(first, batch.samples.count)..<min(first + layout.rows, batch.samples.count)])
                    let x = try row.map { ct throws(PrivateTrainingError) in
                        try evaluator.lower(evaluator.ensure(ct, levels: target, for: "logit scoring"), to: target)
                    }
                    let (combined, diagonals) = try combinedLogits(x, rotated)
                    blocks.append((try finalMask(combined, rows: samples.count, diagonals: diagonals), samples, diagonals))
                }
            }
            return try packBlocks(blocks, before: before)
        }
    }

    /// One row block's c diagonals summed together: the ciphertext at level 1
    /// whose group g (columns g·q ..< (g+1)·q of every row) sums to
    /// z_{r, (r + t_g) mod c}, and the diagonals t_g.
    func combinedLogits(_ x: [Ciphertext], _ rotatedWeights: [[Ciphertext]]) throws(PrivateTrainingError) -> (Ciphertext, [Int]) {
        var vectors: [(ciphertext: Ciphertext, diagonals: [Int])] = try (0..<layout.paddedClasses).map { t throws(PrivateTrainingError) in
            // The column blocks' products share one relinearization.
            (try evaluator.innerProduct(x, x.indices.map { rotatedWeights[$0][t] }), [t])
        }
        var width = layout.columns
        while vectors.count > 1 {
            let half = width / 2
            let low = halfMask(width: width, upper: false), high = halfMask(width: width, upper: true)
            var next: [(ciphertext: Ciphertext, diagonals: [Int])] = []
            for pair in stride(from: 0, to: vectors.count, by: 2) {
                let (v, w) = (vectors[pair], vectors[pair + 1])
                let a = try evaluator.add(v.ciphertext, evaluator.rotate(v.ciphertext, by: half))
                let b = try evaluator.add(w.ciphertext, evaluator.rotate(w.ciphertext, by: -half))
                let merged = try evaluator.add(evaluator.multiply(a, plain: low, key: "logits.lo.\(width)"),
                                               evaluator.multiply(b, plain: high, key: "logits.hi.\(width)"))
                // Group g of the old width becomes groups 2g (from v) and 2g + 1 (from w).
                next.append((merged, zip(v.diagonals, w.diagonals).flatMap { [$0, $1] }))
            }
            vectors = next
            width = half
        }
        guard let last = vectors.first else { throw PrivateTrainingError.backend("internal: no logit vectors") }
        return (try evaluator.rotateAndSum(last.ciphertext, count: groupWidth, stride: 1), last.diagonals)
    }

    /// 1 in the lower (or upper) half of every `width`-column group.
    func halfMask(width: Int, upper: Bool) -> [Double] {
        (0..<layout.slotCount).map { slot in ((slot % layout.columns) % width < width / 2) != upper ? 1 : 0 }
    }

    /// Keeps each group's first column for the real rows and real classes,
    /// landing on level 0.
    func finalMask(_ ciphertext: Ciphertext, rows: Int, diagonals: [Int]) throws(PrivateTrainingError) -> Ciphertext {
        var values = [Double](repeating: 0, count: layout.slotCount)
        for r in 0..<rows {
            for (g, t) in diagonals.enumerated() where layout.classIndex(row: r, column: t) < layout.classCount {
                values[r * layout.columns + g * groupWidth] = 1
            }
        }
        return try evaluator.multiply(ciphertext, plain: values, key: "logits.final.\(rows)")
    }

    /// Up to q blocks per level-0 ciphertext, block i shifted right by i
    /// columns (a binary tree of right rotations by 1, 2, …).
    func packBlocks(_ blocks: [(ciphertext: Ciphertext, rows: [Int], diagonals: [Int])],
                    before: OpCounts) throws(PrivateTrainingError) -> PackedLogits<Ciphertext> {
        let q = groupWidth, s1 = layout.columns
        var packed: [Ciphertext] = [], entries: [LogitSlots] = []
        for groupStart in stride(from: 0, to: blocks.count, by: q) {
            let members = groupStart..<min(groupStart + q, blocks.count)
            let dense = try evaluator.shiftedSum(members.map { blocks[$0].ciphertext })
            for j in members {
                let offset = j - groupStart
                for (r, sample) in blocks[j].rows.enumerated() {
                    var slots = [Int](repeating: 0, count: layout.classCount)
                    for (g, t) in blocks[j].diagonals.enumerated() {
                        let k = layout.classIndex(row: r, column: t)
                        if k < layout.classCount { slots[k] = r * s1 + g * q + offset }
                    }
                    entries.append(LogitSlots(sample: sample, ciphertext: packed.count, slots: slots))
                }
            }
            packed.append(dense)
        }
        let backend = evaluator.backend
        let magnitude = backend.modulus(atLevel: 0) / evaluator.scales[0] / 4
        return PackedLogits(ciphertexts: packed, entries: entries, plausibleMagnitude: magnitude,
                            counts: evaluator.counts - before)
    }
}
