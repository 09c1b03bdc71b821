internal import HepexcIR

/// The search behind the `permute` pass, on 0/1 masks only: one permutation
/// per axis of a dense chain (``PermutationChain``), new position → original
/// index.
struct PermutationSearch {
    let layers: [PrunableLayer]
    let permutable: [Bool]
    /// Current (permuted) non-zero pattern of each layer, row-major.
    private(set) var masks: [[Bool]]
    private(set) var permutations: [[Int]]

    init(layers: [PrunableLayer], permutable: [Bool], masks: [[Bool]]) {
        self.layers = layers
        self.permutable = permutable
        self.masks = masks
        var permutations = [Array(0..<(layers.first?.columns ?? 0))]
        for layer in layers { permutations.append(Array(0..<layer.rows)) }
        self.permutations = permutations
    }

    /// Non-zero tiles over all layers.
    var nonZeroTiles: Int {
        var total = 0
        for (l, layer) in layers.enumerated() {
            var seen = [Bool](repeating: false, count: layer.tileCount)
            for r in 0..<layer.rows {
                for c in 0..<layer.columns where masks[l][r * layer.columns + c] { seen[layer.tile(row: r, column: c)] = true }
            }
            total += seen.filter { $0 }.count
        }
        return total
    }

    mutating func run(iterations: Int, kmeansIterations: Int, seed: UInt64) {
        var generator = SplitMix64.pruning(seed: seed)
        var best = nonZeroTiles
        var stalled = 0
        // Stop after two rounds without fewer tiles (the first rounds may
        // only order entries, which later rounds turn into empty tiles).
        for _ in 0..<iterations {
            for axis in permutations.indices where permutable[axis] {
                permuteAxis(axis, kmeansIterations: kmeansIterations, seed: seed, generator: &generator)
            }
            let now = nonZeroTiles
            if now < best {
                best = now
                stalled = 0
            } else {
                stalled += 1
                if stalled == 2 { break }
            }
        }
    }

    /// Tile extent along `axis` (rows of layer axis−1, columns of layer axis).
    private func blockSize(_ axis: Int) -> Int {
        axis > 0 ? layers[axis - 1].rowBlock : layers[0].columnBlock
    }

    private mutating func permuteAxis(_ axis: Int, kmeansIterations: Int, seed: UInt64, generator: inout SplitMix64) {
        let count = permutations[axis].count
        let before: PrunableLayer? = axis > 0 ? layers[axis - 1] : nil
        let after: PrunableLayer? = axis < layers.count ? layers[axis] : nil
        let groups = (before?.gridColumns ?? 0) + (after?.gridRows ?? 0)
        let words = max(1, (groups + 63) / 64)
        var bits = [UInt64](repeating: 0, count: count * words)
        if let before {
            let mask = masks[axis - 1]
            for r in 0..<before.rows {
                for c in 0..<before.columns where mask[r * before.columns + c] {
                    let g = c / before.columnBlock
                    bits[r * words + g / 64] |= 1 << UInt64(g % 64)
                }
            }
        }
        if let after {
            let mask = masks[axis], offset = before?.gridColumns ?? 0
            for r in 0..<after.rows {
                for c in 0..<after.columns where mask[r * after.columns + c] {
                    let g = offset + r / after.rowBlock
                    bits[c * words + g / 64] |= 1 << UInt64(g % 64)
                }
            }
        }
        // The same vectors ungrouped: one bit per entry.
        let entries = (before?.columns ?? 0) + (after?.rows ?? 0)
        let fineWords = max(1, (entries + 63) / 64)
        var fine = [UInt64](repeating: 0, count: count * fineWords)
        if let before {
            let mask = masks[axis - 1]
            for r in 0..<before.rows {
                for c in 0..<before.columns where mask[r * before.columns + c] {
                    fine[r * fineWords + c / 64] |= 1 << UInt64(c % 64)
                }
            }
        }
        if let after {
            let mask = masks[axis], offset = before?.columns ?? 0
            for r in 0..<after.rows {
                for c in 0..<after.columns where mask[r * after.columns + c] {
                    let e = offset + r
                    fine[c * fineWords + e / 64] |= 1 << UInt64(e % 64)
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
        let order = BalancedKMeans.order(assignment, clusters: kmeans.clusterCount)
        guard order != Array(0..<count) else { return }
        permutations[axis] = order.map { permutations[axis][$0] }
        if let before {
            masks[axis - 1] = Self.permuteRows(masks[axis - 1], columns: before.columns, order: order)
        }
        if let after {
            masks[axis] = Self.permuteColumns(masks[axis], columns: after.columns, order: order)
        }
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
