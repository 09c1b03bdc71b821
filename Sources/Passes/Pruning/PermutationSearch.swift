internal import HepexcIR

/// The search behind the `permute` pass, on 0/1 masks only: one permutation
/// per axis of a layer chain (``PermutationChain``), new position → original
/// index.
///
/// A point of an axis is one row of the layer before it and a group of
/// `columnGroups[axis]` consecutive columns of the layer after it: 1 for a
/// dense layer's neuron, kh·kw for a convolution's input channel, H·W for a
/// channel flattened into a dense layer. A group moves as a whole and counts
/// as one point (the OR of its columns) in the clustering.
struct PermutationSearch {
    let layers: [PrunableLayer]
    let permutable: [Bool]
    let columnGroups: [Int]
    /// Current (permuted) non-zero pattern of each layer, row-major.
    private(set) var masks: [[Bool]]
    private(set) var permutations: [[Int]]
    /// `prune-pack`'s threshold when one follows: each axis is then also
    /// refined for it (``PackAwareSwaps``) and rounds continue while its
    /// cost falls.
    var packThreshold: Double?

    init(layers: [PrunableLayer], permutable: [Bool], masks: [[Bool]], columnGroups: [Int]? = nil) {
        self.layers = layers
        self.permutable = permutable
        self.masks = masks
        let columnGroups = columnGroups ?? Array(repeating: 1, count: layers.count + 1)
        self.columnGroups = columnGroups
        var permutations = [Array(0..<((layers.first?.columns ?? 0) / max(columnGroups[0], 1)))]
        for layer in layers { permutations.append(Array(0..<layer.rows)) }
        self.permutations = permutations
    }

    /// Non-zero tiles over all layers.
    var nonZeroTiles: Int { layers.indices.reduce(0) { $0 + nonZeroTiles(layer: $1) } }

    func nonZeroTiles(layer l: Int) -> Int {
        let layer = layers[l]
        var seen = [Bool](repeating: false, count: layer.tileCount)
        for r in 0..<layer.rows {
            for c in 0..<layer.columns where masks[l][r * layer.columns + c] { seen[layer.tile(row: r, column: c)] = true }
        }
        return seen.filter { $0 }.count
    }

    /// Searches the dense axes first, as if the channels were fixed, then
    /// every axis. Each axis step keeps only lower costs (a dense axis's
    /// k-means cost is its two layers' non-zero tiles when their tile
    /// extents agree; a grouped axis is guarded and refined by exact swaps),
    /// so channel moves start from what the dense axes reach alone, along
    /// the same trajectory as before convolutions were permuted.
    mutating func run(iterations: Int, kmeansIterations: Int, seed: UInt64) {
        let all = permutations.indices.filter { permutable[$0] }
        let dense = all.filter { !isGrouped($0) }
        for axes in dense == all ? [all] : [dense, all] {
            rounds(axes, iterations: iterations, kmeansIterations: kmeansIterations, seed: seed)
        }
    }

    private mutating func rounds(_ axes: [Int], iterations: Int, kmeansIterations: Int, seed: UInt64) {
        var generator = SplitMix64.pruning(seed: seed)
        let objective = { (search: PermutationSearch) in search.packThreshold.map(search.packCost) ?? search.nonZeroTiles }
        var best = objective(self)
        var stalled = 0
        // Stop after two rounds without fewer tiles (the first rounds may
        // only order entries, which later rounds turn into empty tiles).
        for _ in 0..<iterations {
            for axis in axes {
                permuteAxis(axis, kmeansIterations: kmeansIterations, seed: seed, generator: &generator)
            }
            let now = objective(self)
            if now < best {
                best = now
                stalled = 0
            } else {
                stalled += 1
                if stalled == 2 { break }
            }
        }
    }

    /// True when a cluster of points is not exactly one tile block of both
    /// layers around `axis`: column groups wider than one column, or two
    /// convolutions whose row and column tile extents differ (forms A and B
    /// with t1 ≠ t2). The k-means cost is then an estimate.
    private func isGrouped(_ axis: Int) -> Bool {
        guard columnGroups[axis] == 1 else { return true }
        guard axis > 0, axis < layers.count else { return false }
        return layers[axis - 1].rowBlock != layers[axis].columnBlock
    }

    /// Points per cluster along `axis`: the tile extent along the rows of
    /// layer axis−1, else the column groups that fill one column tile.
    private func blockSize(_ axis: Int) -> Int {
        axis > 0 ? layers[axis - 1].rowBlock : max(1, layers[0].columnBlock / columnGroups[0])
    }

    private mutating func permuteAxis(_ axis: Int, kmeansIterations: Int, seed: UInt64, generator: inout SplitMix64) {
        let count = permutations[axis].count
        let before: PrunableLayer? = axis > 0 ? layers[axis - 1] : nil
        let after: PrunableLayer? = axis < layers.count ? layers[axis] : nil
        let group = columnGroups[axis]
        let groups = (before?.gridColumns ?? 0) + (after?.gridRows ?? 0)
        let words = max(1, (groups + 63) / 64)
        var bits = [UInt64](repeating: 0, count: count * words)
        // The same vectors ungrouped: one bit per entry.
        let entries = (before?.columns ?? 0) + (after?.rows ?? 0)
        let fineWords = max(1, (entries + 63) / 64)
        var fine = [UInt64](repeating: 0, count: count * fineWords)
        func set(_ vectors: inout [UInt64], _ words: Int, point: Int, bit: Int) {
            vectors[point * words + bit / 64] |= 1 << UInt64(bit % 64)
        }
        // One scan of each neighbour's mask sets both the grouped bit (the
        // tile block the entry falls in) and the fine bit (the entry itself).
        if let before {
            let mask = masks[axis - 1]
            for r in 0..<before.rows {
                for c in 0..<before.columns where mask[r * before.columns + c] {
                    set(&bits, words, point: r, bit: c / before.columnBlock)
                    set(&fine, fineWords, point: r, bit: c)
                }
            }
        }
        if let after {
            let mask = masks[axis]
            let (offset, fineOffset) = (before?.gridColumns ?? 0, before?.columns ?? 0)
            for r in 0..<after.rows {
                for c in 0..<after.columns where mask[r * after.columns + c] {
                    set(&bits, words, point: c / group, bit: offset + r / after.rowBlock)
                    set(&fine, fineWords, point: c / group, bit: fineOffset + r)
                }
            }
        }
        let size = blockSize(axis)
        let kmeans = BalancedKMeans(bits: bits, count: count, words: words, fine: fine, fineWords: fineWords, size: size)
        var assignment = kmeans.run(initial: (0..<count).map { $0 / size }, iterations: kmeansIterations)
        if seed != 0 {
            var shuffled = Array(0..<count)
            for i in stride(from: count - 1, to: 0, by: -1) {
                shuffled.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
            var start = [Int](repeating: 0, count: count)
            for (position, point) in shuffled.enumerated() { start[point] = position / size }
            let alternative = kmeans.run(initial: start, iterations: kmeansIterations)
            if kmeans.cost(alternative) < kmeans.cost(assignment) { assignment = alternative }
        }
        if let packThreshold {
            assignment = packAwareAssignment(axis: axis, size: size, from: assignment, threshold: packThreshold)
        }
        let order = BalancedKMeans.order(assignment, clusters: kmeans.clusterCount)
        guard isGrouped(axis) else { return reorder(axis, order) }
        // The OR of a group only estimates the tiles a cluster of groups
        // covers, so a grouped axis keeps the exact count from growing and
        // then refines the order by exact swaps.
        let tiles = adjacentTiles(axis)
        let saved = (masks, permutations)
        reorder(axis, order)
        if adjacentTiles(axis) > tiles { (masks, permutations) = saved }
        var swaps = GroupSwapSearch(before: before, after: after, group: group,
                                    beforeMask: axis > 0 ? masks[axis - 1] : [], afterMask: axis < layers.count ? masks[axis] : [])
        reorder(axis, swaps.run())
    }

    /// Non-zero tiles of the layers on either side of `axis`.
    private func adjacentTiles(_ axis: Int) -> Int {
        (axis > 0 ? nonZeroTiles(layer: axis - 1) : 0) + (axis < layers.count ? nonZeroTiles(layer: axis) : 0)
    }

    /// Moves the points of `axis` to `order` (new position → current position).
    private mutating func reorder(_ axis: Int, _ order: [Int]) {
        guard order != Array(order.indices) else { return }
        permutations[axis] = order.map { permutations[axis][$0] }
        if axis > 0 {
            masks[axis - 1] = Self.permuteRows(masks[axis - 1], columns: layers[axis - 1].columns, order: order)
        }
        if axis < layers.count {
            masks[axis] = Self.permuteColumns(masks[axis], columns: layers[axis].columns,
                                              order: Self.expand(order, group: columnGroups[axis]))
        }
    }

    /// A permutation of groups as a permutation of their members: position
    /// p·group + k takes order[p]·group + k.
    static func expand(_ order: [Int], group: Int) -> [Int] {
        guard group > 1 else { return order }
        return order.flatMap { source in (source * group)..<((source + 1) * group) }
    }

    static func permuteRows<T>(_ values: [T], columns: Int, order: [Int]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(values.count)
        for source in order { out.append(contentsOf: values[(source * columns)..<((source + 1) * columns)]) }
        return out
    }

    static func permuteColumns<T>(_ values: [T], columns: Int, order: [Int]) -> [T] {
        var out = values
        let rows = values.count / max(columns, 1)
        for r in 0..<rows {
            for (c, source) in order.enumerated() { out[r * columns + c] = values[r * columns + source] }
        }
        return out
    }
}
