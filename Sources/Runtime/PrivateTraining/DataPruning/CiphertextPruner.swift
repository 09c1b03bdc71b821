public import HepexcExecutor

/// The merged compact copy and its report.
public struct MergedSet<Ciphertext> {
    /// ⌈kept/s0⌉ dense row blocks; all but the last are full.
    public var blocks: [MergedRowBlock<Ciphertext>]
    public let plan: PruningPlan
    public let report: CiphertextPruningReport
    /// Merged row index (block·s0 + row) → original sample id (nil: empty).
    public var indexMap: [Int?] { plan.indexMap }
}

/// Ciphertext-wise pruning (CWP, research note §4), the server's side: merges
/// the kept rows of sparse row blocks into dense ones so that whole
/// ciphertexts drop out of training. The full encrypted set is not touched;
/// the result is a new compact copy (ciphertexts are values), so the next
/// selection round scores every sample again.
///
/// Every row block is B feature ciphertexts plus one label ciphertext; the
/// same moves apply to each (the bias column is a feature column, so it moves
/// too). Per merged block and ciphertext: one ct×mask product clearing the
/// base's other rows (only when it holds any), and per (source, shift) group
/// one ct×mask product selecting the group's rows, its rotation(s) (one with
/// `direct` keys, popcount(shift) with `composed`) and one addition. Untouched
/// full blocks cost nothing. Rebuilt blocks are one level below their inputs.
///
/// Labels are in the diagonal row layout (row r, column t holds class
/// (r + t) mod c), so a label group whose row shift δ is not a multiple of c
/// is split by two masks (columns [0, c − Δ) and [c − Δ, c), Δ = δ mod c) and
/// gets two more rotations (left by c, right by Δ; both already training
/// keys) to turn its class columns: 2 masks and rotations(δ) + 2 for it.
public struct CiphertextPruner<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let evaluator: LeveledEvaluator<Base>
    public let layout: HETALLayout
    public let keys: PruningRotationKeys

    public init(evaluator: LeveledEvaluator<Base>, layout: HETALLayout, keys: PruningRotationKeys = .composed) {
        self.evaluator = evaluator
        self.layout = layout
        self.keys = keys
    }

    /// Merges the kept samples of `batches` into dense row blocks.
    ///
    /// - Parameters:
    ///   - batches: the full encrypted set, as the trainer holds it.
    ///   - kept: the client's keep-mask (sample ids).
    /// - Returns: the merged copy, its plan (index map) and report.
    /// - Throws: `DataPruningError.shapeMismatch` for inconsistent batches or
    ///   duplicate sample ids, `.unknownSample` for a kept id the set lacks,
    ///   `.training`.
    public func merge(_ batches: [PrunableBatch<Ciphertext>], keeping kept: KeepMask) throws(DataPruningError) -> MergedSet<Ciphertext> {
        let s0 = layout.rows
        var sources: [(features: [Ciphertext], labels: Ciphertext)] = []
        var rowSamples: [[Int?]] = []
        var known = Set<Int>()
        for (index, batch) in batches.enumerated() {
            guard batch.features.count == batch.labels.count, batch.samples.count <= batch.labels.count * s0,
                  batch.features.allSatisfy({ $0.count == layout.columnBlocks }) else {
                throw .shapeMismatch("batch \(index): \(batch.features.count) feature row blocks of \(layout.columnBlocks) columns, \(batch.labels.count) label blocks, \(batch.samples.count) samples")
            }
            for a in batch.labels.indices {
                sources.append((batch.features[a], batch.labels[a]))
                rowSamples.append((0..<s0).map { r in a * s0 + r < batch.samples.count ? batch.samples[a * s0 + r] : nil })
            }
            for sample in batch.samples {
                guard known.insert(sample).inserted else { throw .shapeMismatch("sample id \(sample) appears twice") }
            }
        }
        if let unknown = kept.keptSamples.first(where: { !known.contains($0) }) { throw .unknownSample(unknown) }

        let plan = PruningPlan(rowSamples: rowSamples, kept: Set(kept.keptSamples), rows: s0)
        let before = evaluator.counts
        var merged: [MergedRowBlock<Ciphertext>] = []
        var mergedLevel: Int?
        for block in plan.blocks {
            let base = sources[block.base]
            let features = try (0..<layout.columnBlocks).map { b throws(DataPruningError) in
                try build(block, base: base.features[b]) { sources[$0].features[b] }
            }
            let labels = try build(block, base: base.labels, realignsClasses: true) { sources[$0].labels }
            if block.clearsBase || !block.moves.isEmpty { mergedLevel = evaluator.level(labels) }
            merged.append(MergedRowBlock(features: features, labels: labels, rowSamples: block.rowSamples))
        }
        let perBlock = layout.columnBlocks + 1
        let report = CiphertextPruningReport(
            ciphertextsBefore: sources.count * perBlock, ciphertextsAfter: merged.count * perBlock,
            rowBlocksBefore: sources.count, rowBlocksAfter: merged.count, keptSamples: kept.keptSamples.count,
            groups: plan.moves.count, rotatedGroups: plan.rotatedMoves, movedRows: plan.movedRows,
            counts: evaluator.counts - before, keyStrategy: keys, keySteps: keys.steps(layout: layout),
            additionalKeys: keys.additionalSteps(layout: layout).count, mergedLevel: mergedLevel)
        return MergedSet(blocks: merged, plan: plan, report: report)
    }

    /// One ciphertext of a merged block: the (cleared) base plus every moved
    /// group, masked in source coordinates and then rotated into place. With
    /// `realignsClasses` (label blocks) a group whose row shift δ is not a
    /// multiple of c also has its class columns turned right by Δ = δ mod c,
    /// since row h's column t must hold class (h + t) mod c.
    func build(_ block: MergedBlockPlan, base: Ciphertext, realignsClasses: Bool = false,
               source: (Int) -> Ciphertext) throws(DataPruningError) -> Ciphertext {
        try DataPruningError.lifting { () throws(PrivateTrainingError) in
            var total = block.clearsBase ? try masked(base, rows: block.baseRows) : base
            for move in block.moves {
                let c = layout.paddedClasses, turn = move.shift % c
                var piece: Ciphertext
                if realignsClasses && turn != 0 {
                    // Columns [0, c − Δ) move right by Δ; [c − Δ, c) right by Δ − c,
                    // i.e. left by c first (into the row above) and then right by Δ.
                    let low = try masked(source(move.source), rows: move.rows, columns: 0..<(c - turn))
                    let high = try masked(source(move.source), rows: move.rows, columns: (c - turn)..<c)
                    piece = try evaluator.add(low, evaluator.rotate(high, by: c))
                } else {
                    piece = try masked(source(move.source), rows: move.rows)
                }
                for step in keys.rotations(forShift: move.shift, layout: layout) {
                    piece = try evaluator.rotate(piece, by: step)
                }
                if realignsClasses && turn != 0 { piece = try evaluator.rotate(piece, by: -turn) }
                total = try evaluator.add(total, piece)
            }
            return total
        }
    }

    /// `ciphertext` with every slot outside `rows` × `columns` (default: all
    /// columns) zeroed (one ct×mask).
    func masked(_ ciphertext: Ciphertext, rows: [Int], columns: Range<Int>? = nil) throws(PrivateTrainingError) -> Ciphertext {
        var values = [Double](repeating: 0, count: layout.slotCount)
        let kept = columns ?? 0..<layout.columns
        var key = "cwp.\(kept.lowerBound).\(kept.upperBound).rows"
        for r in rows {
            for k in kept { values[r * layout.columns + k] = 1 }
            key += ".\(r)"
        }
        return try evaluator.multiply(ciphertext, plain: values, key: key)
    }
}
