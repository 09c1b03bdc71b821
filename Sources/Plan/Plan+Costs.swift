/// Static analysis of a plan: HE operation counts, tile statistics and the
/// level at which each layer runs. The executor performs exactly these
/// operations (tests compare the two).
extension Plan {
    /// Per-layer statistics for one batch ciphertext.
    public struct LayerCost: Sendable, Codable, Equatable {
        public var name: String
        public var kind: String
        public var inputLevel: Int
        /// Weight tiles stored (non-zero) and in the full grid.
        public var tilesStored: Int
        public var tilesTotal: Int
        /// The tile grid (rows × columns in the layer's own orientation).
        public var grid: [Int]
        /// Fraction of weight tiles that are all zero (and skipped).
        public var tileSparsity: Double
        /// Ciphertexts produced (constant tiles excluded).
        public var outputCiphertexts: Int
        public var ops: OpCounts

        init(name: String, kind: String, inputLevel: Int, tilesStored: Int, tilesTotal: Int, grid: [Int],
             outputCiphertexts: Int, ops: OpCounts) {
            self.name = name
            self.kind = kind
            self.inputLevel = inputLevel
            self.tilesStored = tilesStored
            self.tilesTotal = tilesTotal
            self.grid = grid
            self.tileSparsity = tilesTotal == 0 ? 0 : 1 - Double(tilesStored) / Double(tilesTotal)
            self.outputCiphertexts = outputCiphertexts
            self.ops = ops
        }

        /// The keys of the plan report's JSON (docs/cli.md).
        enum CodingKeys: String, CodingKey {
            case name, kind, ops, grid
            case inputLevel = "input_level"
            case tilesStored = "tiles_stored"
            case tilesTotal = "tiles_total"
            case tileSparsity = "tile_sparsity"
            case outputCiphertexts = "output_ciphertexts"
        }
    }

    /// Operation counts and statistics per layer, for one batch tile.
    public func layerCosts() -> [LayerCost] {
        let t = tile
        var level = inputLevel
        var cipher = Array(repeating: true, count: firstInputTileCount)
        var costs: [LayerCost] = []
        for layer in layers {
            var ops = OpCounts()
            switch layer {
            case .fullyConnected(let fc) where fc.form == .diagonal:
                let (diagonalOps, cipherOutput) = diagonalOps(fc, cipherInputs: cipher)
                ops = diagonalOps
                costs.append(LayerCost(name: fc.name, kind: "fc-D", inputLevel: level, tilesStored: fc.tiles.count,
                                       tilesTotal: fc.totalTiles, grid: [fc.gridRows, fc.gridCols],
                                       outputCiphertexts: cipherOutput ? 1 : 0, ops: ops))
                cipher = [cipherOutput]
                level -= fc.depth
            case .fullyConnected(let fc) where fc.form == .rowDiagonal:
                let (rowOps, outputs) = rowDiagonalOps(fc, cipherInputs: cipher)
                ops = rowOps
                costs.append(LayerCost(name: fc.name, kind: "fc-R", inputLevel: level, tilesStored: fc.tiles.count,
                                       tilesTotal: fc.totalTiles, grid: [fc.gridRows, fc.gridCols],
                                       outputCiphertexts: outputs.filter { $0 }.count, ops: ops))
                cipher = outputs
                level -= fc.depth
            case .fullyConnected(let fc):
                var outputs = Array(repeating: false, count: fc.outputTileCount)
                // Per output tile: the tiles contributing, and those whose input is a ciphertext
                // (one pass over the tiles: `--tile auto` costs every candidate).
                var contributing = [Int](repeating: 0, count: fc.outputTileCount)
                var cipherContributing = [Int](repeating: 0, count: fc.outputTileCount)
                for tile in fc.tiles {
                    let (output, input) = (tile.outputIndex(fc.form), tile.inputIndex(fc.form))
                    guard output < contributing.count else { continue }
                    contributing[output] += 1
                    if input < cipher.count && cipher[input] { cipherContributing[output] += 1 }
                }
                let reduction = fc.reductionSteps(tile: t)
                for output in 0..<fc.outputTileCount {
                    let cipherTerms = cipherContributing[output]
                    guard cipherTerms > 0 else { continue }
                    outputs[output] = true
                    ops.plainMultiplies += cipherTerms
                    ops.additions += cipherTerms - 1
                    if cipherTerms < contributing[output] { ops.plainAdditions += 1 }
                    ops.rescales += 1
                    for step in reduction {
                        switch step {
                        case .rotateAndAdd:
                            ops.rotations += 1
                            ops.additions += 1
                        case .mask:
                            ops.maskMultiplies += 1
                            ops.rescales += 1
                        }
                    }
                    if fc.bias != nil { ops.plainAdditions += 1 }
                }
                costs.append(LayerCost(name: fc.name, kind: "fc-\(fc.form.rawValue)", inputLevel: level,
                                       tilesStored: fc.tiles.count, tilesTotal: fc.totalTiles, grid: [fc.gridRows, fc.gridCols],
                                       outputCiphertexts: outputs.filter { $0 }.count, ops: ops))
                cipher = outputs
                level -= fc.depth
            case .packed(let packed):
                let (cost, outputs) = packedCost(packed, inputLevel: level, cipherInputs: cipher)
                costs.append(cost)
                cipher = outputs
                level -= packed.depth
            case .polynomial(let poly):
                let schedule = poly.schedule
                let count = cipher.filter { $0 }.count
                var perTile = OpCounts()
                perTile.cipherMultiplies = schedule.products.count
                perTile.rescales = schedule.products.count
                perTile.levelDrops = schedule.products.filter { schedule.depths[$0.lhs] != schedule.depths[$0.rhs] }.count
                if !schedule.isMonicMonomial {
                    let deepest = schedule.terms.map { schedule.depths[$0] ?? 0 }.max() ?? 0
                    perTile.levelDrops += schedule.terms.filter { (schedule.depths[$0] ?? 0) < deepest }.count
                    perTile.constantMultiplies = schedule.terms.count
                    perTile.rescales += schedule.terms.count
                    perTile.additions = max(schedule.terms.count - 1, 0)
                }
                if schedule.constantTerm != 0 && !schedule.terms.isEmpty { perTile.plainAdditions = 1 }
                ops = perTile * count
                costs.append(LayerCost(name: poly.name, kind: "poly", inputLevel: level, tilesStored: 0, tilesTotal: 0, grid: [],
                                       outputCiphertexts: schedule.terms.isEmpty ? 0 : count, ops: ops))
                if schedule.terms.isEmpty { cipher = cipher.map { _ in false } }
                level -= poly.depth
            case .bootstrap(let step):
                let count = cipher.filter { $0 }.count
                ops.bootstraps = count
                ops.bootstrapRotations = count * step.rotationsPerCiphertext
                ops.bootstrapMultiplies = count * step.multipliesPerCiphertext
                costs.append(LayerCost(name: step.name, kind: "bootstrap", inputLevel: level, tilesStored: 0, tilesTotal: 0,
                                       grid: [], outputCiphertexts: count, ops: ops))
                level = levelAfterBootstrap
            }
        }
        return costs
    }

    /// A Type-D layer's operations (``DiagonalSchedule``) given which input
    /// tiles are ciphertexts, and whether its output is one. Diagonals of
    /// cleartext input tiles are folded in as one plaintext addition.
    func diagonalOps(_ fc: FullyConnectedLayer, cipherInputs: [Bool]) -> (OpCounts, Bool) {
        let schedule = fc.diagonalSchedule(t2: tile.t2)
        let storedByTile = fc.storedDiagonals
        let cipherTiles = storedByTile.indices.filter { $0 < cipherInputs.count && cipherInputs[$0] && !storedByTile[$0].isEmpty }
        var ops = OpCounts()
        guard !cipherTiles.isEmpty else { return (ops, false) }
        var all = Set<Int>()
        for c in cipherTiles {
            ops.rotations += schedule.babyRotations(stored: storedByTile[c]).count
            ops.plainMultiplies += storedByTile[c].count
            all.formUnion(storedByTile[c])
        }
        let groups = schedule.giantGroups(stored: all)
        for g in groups {
            let terms = cipherTiles.reduce(0) { total, c in
                total + (0..<schedule.babySteps).filter { storedByTile[c].contains(schedule.diagonal(giant: g, baby: $0)) }.count
            }
            ops.additions += terms - 1
            ops.rescales += 1
            if g > 0 { ops.rotations += 1 }
        }
        ops.additions += groups.count - 1
        if storedByTile.indices.contains(where: { !cipherTiles.contains($0) && !storedByTile[$0].isEmpty }) {
            ops.plainAdditions += 1
        }
        ops.rotations += schedule.replicationSteps
        ops.additions += schedule.replicationSteps
        if fc.bias != nil { ops.plainAdditions += 1 }
        return (ops, true)
    }

    /// Total operation counts for one batch tile.
    public func estimatedOpCounts() -> OpCounts {
        layerCosts().reduce(OpCounts()) { $0 + $1.ops }
    }

    /// Input ciphertexts per batch tile (the first layer's input tiles).
    public var firstInputTileCount: Int {
        for layer in layers {
            if case .fullyConnected(let fc) = layer { return fc.inputTileCount }
            if case .packed(let packed) = layer { return packed.inFeatures }
        }
        return 1
    }

    /// The rotation steps the plan's layers use (left rotations in 0..<slots),
    /// with those its bootstrap steps recorded.
    public static func rotationSteps(for layers: [PlanLayer], tile: TileShape) -> [Int] {
        var steps = Set<Int>()
        for case .bootstrap(let step) in layers { steps.formUnion(step.rotationSteps) }
        for case .fullyConnected(let fc) in layers {
            if fc.form == .diagonal {
                steps.formUnion(fc.diagonalSchedule(t2: tile.t2).rotationSlots(storedByTile: fc.storedDiagonals, t3: tile.t3))
            } else if fc.form == .rowDiagonal {
                steps.formUnion(fc.rowDiagonalRotationSlots(tile: tile))
            } else {
                for case .rotateAndAdd(let step) in fc.reductionSteps(tile: tile) { steps.insert(step) }
            }
        }
        return steps.sorted()
    }
}

extension WeightTile {
    /// The input tile this weight tile multiplies.
    public func inputIndex(_ form: FCForm) -> Int { form == .typeA ? col : row }
    /// The output tile this weight tile contributes to.
    public func outputIndex(_ form: FCForm) -> Int { form == .typeA ? row : col }
}

extension FullyConnectedLayer {
    /// For each output tile, the indices in `tiles` of the tiles contributing
    /// to it, in storage order (one pass over the tiles).
    public var tileIndicesByOutput: [[Int]] {
        var result = [[Int]](repeating: [], count: outputTileCount)
        for (index, tile) in tiles.enumerated() where tile.outputIndex(form) < result.count {
            result[tile.outputIndex(form)].append(index)
        }
        return result
    }
}
