public import HepexcPlan

/// Where values live in the slots of a plan's tiles: the client-side
/// encoding of inputs and decoding of outputs, and the slot vectors of
/// weight, bias and mask tiles.
public struct TileLayout: Sendable {
    public let plan: Plan
    public var tile: TileShape { plan.tile }

    public init(plan: Plan) { self.plan = plan }

    /// Batch tiles needed for `samples` samples.
    public func batchTileCount(samples: Int) -> Int { (samples + tile.t3 - 1) / tile.t3 }

    /// The first layer's input tiles for samples `batch` (at most t3 of them,
    /// each with `plan.inputFeatures` values), after the plan's input
    /// permutation: `[*/t1, n/t2, b/t3]` before a Type-A or D layer,
    /// `[n/t1, */t2, b/t3]` before a Type-B layer.
    public func encodeInput(_ batch: [[Double]]) -> [[Double]] {
        let t = tile
        let features = plan.inputFeatures
        let alongT2 = (plan.firstFullyConnected?.form ?? .typeA).takesInputAlongT2
        let perTile = alongT2 ? t.t2 : t.t1
        let tiles = (features + perTile - 1) / perTile
        var result = Array(repeating: [Double](repeating: 0, count: t.slotCount), count: tiles)
        for (k, sample) in batch.enumerated() where k < t.t3 {
            for feature in 0..<features {
                let source = plan.inputPermutation?[feature] ?? feature
                let value = source < sample.count ? sample[source] : 0
                let (c, offset) = feature.quotientAndRemainder(dividingBy: perTile)
                if alongT2 {
                    for i in 0..<t.t1 { result[c][t.slot(i, offset, k)] = value }
                } else {
                    for j in 0..<t.t2 { result[c][t.slot(offset, j, k)] = value }
                }
            }
        }
        return result
    }

    /// The samples' outputs from the last layer's decrypted output tiles.
    public func decodeOutput(_ tiles: [[Double]], samples: Int) -> [[Double]] {
        let t = tile
        if plan.isPacked {
            // One output feature per tile, sample k in slot k.
            return (0..<min(samples, t.t3)).map { k in
                (0..<plan.outputFeatures).map { output in
                    let index = plan.outputPermutation?[output] ?? output
                    return index < tiles.count && k < tiles[index].count ? tiles[index][k] : 0
                }
            }
        }
        guard let last = plan.lastFullyConnected else { return [] }
        if last.form == .rowDiagonal {
            // Output f in group f / (t1·t2), at tile position f mod t1·t2.
            let area = t.t1 * t.t2
            return (0..<min(samples, t.t3)).map { k in
                (0..<plan.outputFeatures).map { output in
                    let (group, position) = (plan.outputPermutation?[output] ?? output).quotientAndRemainder(dividingBy: area)
                    guard group < tiles.count else { return 0 }
                    return tiles[group][t.slot(position / t.t2, position % t.t2, k)]
                }
            }
        }
        let lastIsA = last.form == .typeA
        let perTile = lastIsA ? t.t1 : t.t2
        return (0..<min(samples, t.t3)).map { k in
            (0..<plan.outputFeatures).map { output in
                let planOutput = plan.outputPermutation?[output] ?? output
                let (index, offset) = planOutput.quotientAndRemainder(dividingBy: perTile)
                guard index < tiles.count else { return 0 }
                return tiles[index][lastIsA ? t.slot(offset, 0, k) : t.slot(0, offset, k)]
            }
        }
    }

    /// A weight tile's slot vector: its t1×t2 block replicated over the batch.
    public func slots(of weightTile: WeightTile) -> [Double] {
        let t = tile
        var slots = [Double](repeating: 0, count: t.slotCount)
        for i in 0..<t.t1 {
            for j in 0..<t.t2 {
                let value = Double(weightTile.values[i * t.t2 + j])
                if value == 0 { continue }
                for k in 0..<t.t3 { slots[t.slot(i, j, k)] = value }
            }
        }
        return slots
    }

    /// Diagonal `weightTile.col` of a Type-D layer as the giant step g it
    /// belongs to uses it: shifted by −g·B along t2 (position j holds the
    /// diagonal's value at j − g·B), replicated over t1 and the batch.
    public func diagonalSlots(of weightTile: WeightTile, schedule: DiagonalSchedule) -> [Double] {
        let t = tile
        let shift = weightTile.col / schedule.babySteps * schedule.babySteps
        var slots = [Double](repeating: 0, count: t.slotCount)
        for j in 0..<t.t2 {
            let value = Double(weightTile.values[(j - shift + t.t2) % t.t2])
            if value == 0 { continue }
            for i in 0..<t.t1 {
                for k in 0..<t.t3 { slots[t.slot(i, j, k)] = value }
            }
        }
        return slots
    }

    /// Row diagonal `weightTile` as the giant step g it belongs to uses it:
    /// its t1×t2 values rotated right by g·B positions over the whole tile
    /// (position p holds the value at p − g·B), replicated over the batch.
    public func rowDiagonalSlots(of weightTile: WeightTile, schedule: DiagonalSchedule) -> [Double] {
        let t = tile
        let area = t.t1 * t.t2
        let shift = weightTile.col % t.t2 / schedule.babySteps * schedule.babySteps
        var slots = [Double](repeating: 0, count: t.slotCount)
        for p in 0..<area {
            let value = Double(weightTile.values[(p - shift + area) % area])
            if value == 0 { continue }
            for k in 0..<t.t3 { slots[p * t.t3 + k] = value }
        }
        return slots
    }

    /// The bias of output tile `output` in the layer's output layout.
    public func biasSlots(_ layer: FullyConnectedLayer, output: Int) -> [Double]? {
        guard let bias = layer.bias else { return nil }
        let t = tile
        if layer.form == .rowDiagonal {
            var slots = [Double](repeating: 0, count: t.slotCount)
            let base = output * t.t1 * t.t2
            for p in 0..<(t.t1 * t.t2) where base + p < bias.count {
                for k in 0..<t.t3 { slots[p * t.t3 + k] = Double(bias[base + p]) }
            }
            return slots
        }
        var slots = [Double](repeating: 0, count: t.slotCount)
        for i in 0..<t.t1 {
            for j in 0..<t.t2 {
                let feature = layer.form == .typeA ? output * t.t1 + i : output * t.t2 + j
                guard feature < bias.count else { continue }
                let value = Double(bias[feature])
                for k in 0..<t.t3 { slots[t.slot(i, j, k)] = value }
            }
        }
        return slots
    }

    /// 1 in the slots with j = 0, 0 elsewhere (clears the unknowns a Type-A
    /// reduction leaves).
    public var maskSlots: [Double] {
        let t = tile
        var slots = [Double](repeating: 0, count: t.slotCount)
        for i in 0..<t.t1 {
            for k in 0..<t.t3 { slots[t.slot(i, 0, k)] = 1 }
        }
        return slots
    }
}

extension Plan {
    /// The last fully connected layer (whose output the client decodes).
    public var lastFullyConnected: FullyConnectedLayer? {
        for layer in layers.reversed() {
            if case .fullyConnected(let fc) = layer { return fc }
        }
        return nil
    }
}
