/// The row-diagonal form (``FCForm/rowDiagonal``): the Halevi–Shoup method of
/// Type D with every row of the tile computing its own outputs.
///
/// The input x lies along t2 and is replicated over t1 (as for Type A and D),
/// so a left rotation by `s·t3` slots shifts x cyclically by s in every row.
/// Output group G holds outputs `G·t1·t2 + i·t2 + j` at tile position (i, j):
///
///     Y_G = Σ_c Σ_{r<t2} diag_{G,c,r} ⊙ rot_r(x_c),
///     diag_{G,c,r}(i, j) = W[G·t1·t2 + i·t2 + j, c·t2 + (j + r) mod t2].
///
/// With r = g·B + b (``DiagonalSchedule`` of width t2) the sum is
/// `Σ_g rot_{g·B}(Σ_{c,b} rot_{−g·B}(diag_{G,c,g·B+b}) ⊙ rot_b(x_c))`: the
/// rotation of a slot vector is exact on the whole tile (rows wrap into the
/// next row, which holds the same x), so the pre-rotated diagonals are plain
/// slot vectors. The baby rotations of every input tile (hoisted) serve every
/// group; each group adds G−1 giant rotations at one level less. A Type-A
/// last layer instead reduces each of its ⌈m/t1⌉ output tiles with
/// log2(t2) rotations — the cost that dominated wide decoders.
extension FullyConnectedLayer {
    /// Output ciphertexts of a row-diagonal layer with `outFeatures` outputs.
    public static func rowDiagonalGroups(outFeatures: Int, tile: TileShape) -> Int {
        let perGroup = tile.t1 * tile.t2
        return (outFeatures + perGroup - 1) / perGroup
    }

    /// Diagonal r of input tile c for output group G as the t1·t2 values of
    /// its tile (0 outside W), written over `values`; `scalars` is W
    /// ([out, in], row-major). Returns whether a value is non-zero.
    public static func rowDiagonalValues(group: Int, diagonal r: Int, inputTile c: Int, tile: TileShape,
                                         outFeatures: Int, inFeatures: Int, scalars: [Double],
                                         into values: inout [Float]) -> Bool {
        let (t1, t2) = (tile.t1, tile.t2)
        var nonZero = false
        for j in 0..<t2 {
            let f = c * t2 + (j + r) % t2
            for i in 0..<t1 {
                let o = group * t1 * t2 + i * t2 + j
                let value = f < inFeatures && o < outFeatures ? Float(scalars[o * inFeatures + f]) : 0
                values[i * t2 + j] = value
                nonZero = nonZero || value != 0
            }
        }
        return nonZero
    }

    /// The schedule of a row-diagonal layer: always the full width t2.
    public func rowDiagonalSchedule(t2: Int) -> DiagonalSchedule { DiagonalSchedule(outFeatures: t2, t2: t2) }

    /// `[group][input tile]`: the diagonals r stored.
    public func storedRowDiagonals(t2: Int) -> [[Set<Int>]] {
        let groups = outputGroups ?? 0
        var result = [[Set<Int>]](repeating: [Set<Int>](repeating: [], count: gridRows), count: groups)
        for tile in tiles where tile.row < gridRows && tile.col / t2 < groups {
            result[tile.col / t2][tile.row].insert(tile.col % t2)
        }
        return result
    }

    /// For each input tile, the diagonals stored in any group of `stored`
    /// (``storedRowDiagonals(t2:)``): its baby rotations serve all groups.
    public func rowDiagonalsByInputTile(_ stored: [[Set<Int>]]) -> [Set<Int>] {
        stored.reduce(into: [Set<Int>](repeating: [], count: gridRows)) { union, group in
            for (c, stored) in group.enumerated() { union[c].formUnion(stored) }
        }
    }

    /// Left-rotation steps in slots: the baby steps of every input tile and
    /// the giant steps of every group (one pass over the stored diagonals).
    public func rowDiagonalRotationSlots(tile: TileShape) -> [Int] {
        let (babies, giants) = rowDiagonalRotationSteps(tile: tile)
        return babies + giants
    }

    /// ``rowDiagonalRotationSlots(tile:)`` apart: the baby steps (at the
    /// layer's input level) and the giant steps (one level lower).
    public func rowDiagonalRotationSteps(tile: TileShape) -> (babies: [Int], giants: [Int]) {
        let schedule = rowDiagonalSchedule(t2: tile.t2)
        var babies = [Bool](repeating: false, count: schedule.babySteps)
        var giants = [Bool](repeating: false, count: schedule.giantSteps)
        for weight in tiles {
            let (g, b) = (weight.col % tile.t2).quotientAndRemainder(dividingBy: schedule.babySteps)
            babies[b] = true
            giants[g] = true
        }
        return ((1..<schedule.babySteps).filter { babies[$0] }.map { $0 * tile.t3 },
                (1..<max(schedule.giantSteps, 1)).filter { giants[$0] }.map { $0 * schedule.babySteps * tile.t3 })
    }

    /// What a row-diagonal layer runs, counted in one pass over its stored
    /// diagonals (candidates of `--tile auto` with many small groups make
    /// per-group sets costly): per input tile the baby steps its ciphertext
    /// needs, per group and giant step the terms multiplied, per group
    /// whether a cleartext input tile contributes. `cipherInputs[c]`: input
    /// tile c is a ciphertext.
    public func rowDiagonalCensus(t2: Int, cipherInputs: (Int) -> Bool) -> RowDiagonalCensus {
        let schedule = rowDiagonalSchedule(t2: t2)
        let groups = outputGroups ?? 0
        var census = RowDiagonalCensus(babyRotations: 0, terms: [Int](repeating: 0, count: groups * schedule.giantSteps),
                                       plainContribution: [Bool](repeating: false, count: groups),
                                       giantSteps: schedule.giantSteps)
        var babies = [Bool](repeating: false, count: gridRows * schedule.babySteps)
        for weight in tiles where weight.row < gridRows && weight.col / t2 < groups {
            let group = weight.col / t2
            let (g, b) = (weight.col % t2).quotientAndRemainder(dividingBy: schedule.babySteps)
            if cipherInputs(weight.row) {
                census.terms[group * schedule.giantSteps + g] += 1
                if b > 0 && !babies[weight.row * schedule.babySteps + b] {
                    babies[weight.row * schedule.babySteps + b] = true
                    census.babyRotations += 1
                }
            } else {
                census.plainContribution[group] = true
            }
        }
        return census
    }

    /// Rotations of a dense row-diagonal layer (no zero diagonals): what
    /// ``chooseForms`` compares with Type A.
    public static func rowDiagonalRotations(inFeatures: Int, outFeatures: Int, tile: TileShape) -> Int {
        let schedule = DiagonalSchedule(outFeatures: tile.t2, t2: tile.t2)
        return schedule.inputTiles(inFeatures: inFeatures) * (schedule.babySteps - 1)
            + rowDiagonalGroups(outFeatures: outFeatures, tile: tile) * (schedule.giantSteps - 1)
    }
}

/// ``FullyConnectedLayer/rowDiagonalCensus(t2:cipherInputs:)``.
public struct RowDiagonalCensus: Sendable {
    /// Baby rotations over all ciphertext input tiles.
    public var babyRotations: Int
    /// `[group · giantSteps + g]`: ct×pt terms of giant step g in the group.
    public var terms: [Int]
    /// Whether a cleartext input tile has a diagonal in the group.
    public var plainContribution: [Bool]
    public var giantSteps: Int

    /// The giant steps of `group` with at least one term.
    public func giants(ofGroup group: Int) -> [Int] {
        (0..<giantSteps).filter { terms[group * giantSteps + $0] > 0 }
    }
}

extension Plan {
    /// A row-diagonal layer's operations given which input tiles are
    /// ciphertexts, and which of its output groups are. Diagonals of
    /// cleartext input tiles are folded in as one plaintext addition per group.
    func rowDiagonalOps(_ fc: FullyConnectedLayer, cipherInputs: [Bool]) -> (OpCounts, [Bool]) {
        let census = fc.rowDiagonalCensus(t2: tile.t2) { c in c < cipherInputs.count && cipherInputs[c] }
        var ops = OpCounts()
        ops.rotations = census.babyRotations
        var outputs: [Bool] = []
        for group in 0..<(fc.outputGroups ?? 0) {
            let giants = census.giants(ofGroup: group)
            guard !giants.isEmpty else {
                outputs.append(false)
                continue
            }
            outputs.append(true)
            for g in giants {
                let terms = census.terms[group * census.giantSteps + g]
                ops.plainMultiplies += terms
                ops.additions += terms - 1
                ops.rescales += 1
                if g > 0 { ops.rotations += 1 }
            }
            ops.additions += giants.count - 1
            if census.plainContribution[group] { ops.plainAdditions += 1 }
            if fc.bias != nil { ops.plainAdditions += 1 }
        }
        return (ops, outputs)
    }

    /// A row-diagonal layer: the last dense layer, a grid of input tiles ×
    /// (groups · t2) diagonals of t1·t2 finite values each.
    func validateRowDiagonal(_ fc: FullyConnectedLayer) throws(PlanError) {
        let t = tile
        let lastDense = layers.last { if case .fullyConnected = $0 { return true } else { return false } }
        guard fc.isLast, lastDense == .fullyConnected(fc) else {
            throw .invalid("layer \(fc.name) (row diagonals) must be the last dense layer")
        }
        let groups = FullyConnectedLayer.rowDiagonalGroups(outFeatures: fc.outFeatures, tile: t)
        let rows = (fc.inFeatures + t.t2 - 1) / t.t2
        guard fc.outputGroups == groups, fc.gridRows == rows, fc.gridCols == groups * t.t2 else {
            throw .invalid("layer \(fc.name) has a \(fc.gridRows)×\(fc.gridCols) grid and \(fc.outputGroups ?? 0) groups, "
                           + "expected \(rows)×\(groups * t.t2) and \(groups) (input tiles × groups·t2 diagonals)")
        }
        var seen = Set<Int>()
        for tile in fc.tiles {
            guard tile.row >= 0, tile.row < rows, tile.col >= 0, tile.col < fc.gridCols,
                  seen.insert(tile.row * fc.gridCols + tile.col).inserted else {
                throw .invalid("layer \(fc.name): diagonal (\(tile.row), \(tile.col)) is outside the grid or repeated")
            }
            guard tile.values.count == t.t1 * t.t2, tile.values.allSatisfy(\.isFinite) else {
                throw .invalid("layer \(fc.name): diagonal \(tile.col) must hold \(t.t1 * t.t2) finite values")
            }
        }
        if let bias = fc.bias, bias.count != fc.outFeatures || !bias.allSatisfy(\.isFinite) {
            throw .invalid("layer \(fc.name): bias must hold \(fc.outFeatures) finite values")
        }
    }
}
