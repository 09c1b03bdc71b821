internal import HepexcPlan

extension PlanExecutor {
    /// One Type-D (diagonal) layer, as ``DiagonalSchedule`` describes: hoisted
    /// baby rotations of each input tile, one multiply-accumulate and rescale
    /// per giant step (in parallel), the giant rotations, the diagonals of
    /// cleartext input tiles as one plaintext, the replication over t2/d
    /// periods, the bias.
    func diagonal(_ fc: FullyConnectedLayer, layerIndex: Int, _ inputs: [Tile]) throws -> Tile {
        let t = plan.tile
        let schedule = fc.diagonalSchedule(t2: t.t2)
        var tileIndex: [Int: Int] = [:]
        for (index, tile) in fc.tiles.enumerated() { tileIndex[tile.row * schedule.width + tile.col] = index }
        let storedByTile = fc.storedDiagonals
        let cipherTiles = storedByTile.indices.filter { c in
            guard case .cipher = inputs[c] else { return false }
            return !storedByTile[c].isEmpty
        }
        let plainPart = plainDiagonal(fc, schedule, inputs, skipping: Set(cipherTiles))
        guard !cipherTiles.isEmpty else {
            var values = plainPart ?? [Double](repeating: 0, count: t.slotCount)
            if let bias = layout.biasSlots(fc, output: 0) { values = SlotMath.add(values, bias) }
            return .plain(values)
        }
        let babies = try babyRotations(inputs, cipherTiles, stored: storedByTile, schedule)
        let all = cipherTiles.reduce(into: Set<Int>()) { $0.formUnion(storedByTile[$1]) }
        let partials = try parallelMap(schedule.giantGroups(stored: all)) { g -> Backend.Ciphertext in
            var terms: [Backend.Ciphertext] = []
            var termTiles: [Int] = []
            for (position, c) in cipherTiles.enumerated() {
                for b in 0..<schedule.babySteps {
                    let r = schedule.diagonal(giant: g, baby: b)
                    guard let index = tileIndex[c * schedule.width + r], let rotated = babies[position][b] else { continue }
                    terms.append(rotated)
                    termTiles.append(index)
                }
            }
            let sum = try self.accumulate(terms, 0..<terms.count) { term in
                try self.operand(fc, layerIndex: layerIndex, tile: termTiles[term], schedule: schedule)
            }
            let partial = try self.backend.rescale(sum)
            return g == 0 ? partial : try self.backend.rotate(partial, by: g * schedule.babySteps * t.t3)
        }
        guard var acc = partials.first else { throw ExecutorError.input("internal: layer \(fc.name) has no giant step") }
        for partial in partials.dropFirst() { acc = try backend.add(acc, partial) }
        if let plainPart {
            acc = try backend.add(acc, plain: backend.encode(plainPart, level: backend.level(of: acc),
                                                            scale: backend.scale(of: acc), purpose: .constant))
        }
        for p in 0..<schedule.replicationSteps {
            acc = try backend.add(acc, backend.rotate(acc, by: (schedule.width << p) * t.t3))
        }
        if let biasSlots = layout.biasSlots(fc, output: 0) {
            let current = acc
            let bias = try cachedBias("\(layerIndex)/0") {
                try backend.encode(biasSlots, level: backend.level(of: current), scale: backend.scale(of: current), purpose: .bias)
            }
            acc = try backend.add(acc, plain: bias)
        }
        return .cipher(acc)
    }

    /// Baby rotations of the diagonal forms (D and row diagonals): for each
    /// of `cipherTiles`, the input rotated by b·t3 for every baby step b ≥ 1
    /// its stored diagonals (`stored[c]`) need, as one hoisted batch, and
    /// itself for b = 0; the tiles in parallel.
    func babyRotations(_ inputs: [Tile], _ cipherTiles: [Int], stored: [Set<Int>],
                       _ schedule: DiagonalSchedule) throws -> [[Int: Backend.Ciphertext]] {
        let t3 = plan.tile.t3
        return try parallelMap(cipherTiles) { c -> [Int: Backend.Ciphertext] in
            guard case .cipher(let x) = inputs[c] else { return [:] }
            let steps = schedule.babyRotations(stored: stored[c])
            var rotated: [Int: Backend.Ciphertext] = [0: x]
            for (b, ct) in zip(steps, try self.backend.rotations(x, by: steps.map { $0 * t3 })) { rotated[b] = ct }
            return rotated
        }
    }

    /// The contribution of the cleartext input tiles (those not in
    /// `skipping`), through the same steps in the clear — replicated when no
    /// ciphertext follows (`skipping` empty), since the ciphertext path
    /// replicates after adding it; `nil` when no such tile has a diagonal.
    private func plainDiagonal(_ fc: FullyConnectedLayer, _ schedule: DiagonalSchedule, _ inputs: [Tile],
                               skipping: Set<Int>) -> [Double]? {
        let t = plan.tile
        var values: [Double]?
        for tile in fc.tiles where !skipping.contains(tile.row) {
            guard case .plain(let x) = inputs[tile.row] else { continue }
            let (g, b) = tile.col.quotientAndRemainder(dividingBy: schedule.babySteps)
            let product = SlotMath.multiply(layout.diagonalSlots(of: tile, schedule: schedule),
                                            SlotMath.rotate(x, by: b * t.t3))
            let shifted = SlotMath.rotate(product, by: g * schedule.babySteps * t.t3)
            values = values.map { SlotMath.add($0, shifted) } ?? shifted
        }
        if skipping.isEmpty, var replicated = values {
            for p in 0..<schedule.replicationSteps {
                replicated = SlotMath.add(replicated, SlotMath.rotate(replicated, by: (schedule.width << p) * t.t3))
            }
            return replicated
        }
        return values
    }
}
