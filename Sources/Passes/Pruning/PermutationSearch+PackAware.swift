extension PermutationSearch {
    /// Σ over all layers' tiles of the ``PackAwareSwaps`` tile cost for
    /// `threshold`: min(non-zeros, keep count) per non-empty tile.
    func packCost(threshold: Double) -> Int {
        var total = 0
        for (l, layer) in layers.enumerated() {
            var nonZero = [Int32](repeating: 0, count: layer.tileCount), entries = nonZero
            for r in 0..<layer.rows {
                for c in 0..<layer.columns {
                    let t = layer.tile(row: r, column: c)
                    entries[t] += 1
                    if masks[l][r * layer.columns + c] { nonZero[t] += 1 }
                }
            }
            for t in 0..<layer.tileCount {
                let keep = Int32(PackAwareSwaps.keepCount(threshold: threshold, entries: Int(entries[t])))
                total += Int(PackAwareSwaps.tileCost(nonZero[t], keep: keep))
            }
        }
        return total
    }

    /// `assignment` (point → cluster of `size`) of `axis` improved for
    /// `threshold` by ``PackAwareSwaps``, also from the density-sorted start;
    /// the cheaper result (ties: the refined `assignment`).
    func packAwareAssignment(axis: Int, size: Int, from assignment: [Int], threshold: Double) -> [Int] {
        let count = assignment.count
        let before: PrunableLayer? = axis > 0 ? layers[axis - 1] : nil
        let after: PrunableLayer? = axis < layers.count ? layers[axis] : nil
        var extents: [Int] = []
        if let before {
            for g in 0..<before.gridColumns { extents.append(min(before.columnBlock, before.columns - g * before.columnBlock)) }
        }
        // A point of the layer after is a group of `columnGroups[axis]` columns.
        let group = columnGroups[axis]
        if let after {
            for g in 0..<after.gridRows { extents.append(min(after.rowBlock, after.rows - g * after.rowBlock) * group) }
        }
        let groups = extents.count
        var counts = [Int32](repeating: 0, count: count * groups)
        if let before {
            let mask = masks[axis - 1]
            for r in 0..<before.rows {
                for c in 0..<before.columns where mask[r * before.columns + c] { counts[r * groups + c / before.columnBlock] += 1 }
            }
        }
        if let after {
            let mask = masks[axis], offset = before?.gridColumns ?? 0
            for r in 0..<after.rows {
                for c in 0..<after.columns where mask[r * after.columns + c] { counts[c / group * groups + offset + r / after.rowBlock] += 1 }
            }
        }
        let swaps = PackAwareSwaps(counts: counts, count: count, groups: groups, extents: extents, size: size,
                                   threshold: threshold)
        let refined = swaps.refine(assignment, passes: 10)
        let sorted = swaps.refine(swaps.densityOrder(), passes: 10)
        return swaps.cost(sorted) < swaps.cost(refined) ? sorted : refined
    }
}
