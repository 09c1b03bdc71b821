internal import HepexcPlan

extension PlanExecutor {
    /// One row-diagonal layer (``FCForm/rowDiagonal``, the last dense layer):
    /// hoisted baby rotations of each input tile, shared by every output
    /// group; per group and giant step one multiply-accumulate and rescale
    /// (in parallel), then its giant rotation; per group the sum of its
    /// giant steps, the cleartext input tiles' diagonals as one plaintext,
    /// and the bias. One output tile per group.
    func rowDiagonal(_ fc: FullyConnectedLayer, layerIndex: Int, _ inputs: [Tile]) throws -> [Tile] {
        let t = plan.tile
        let schedule = fc.rowDiagonalSchedule(t2: t.t2)
        var tileIndex: [Int: Int] = [:]
        for (index, tile) in fc.tiles.enumerated() { tileIndex[tile.row * fc.gridCols + tile.col] = index }
        let stored = fc.storedRowDiagonals(t2: t.t2)
        let byInput = fc.rowDiagonalsByInputTile(stored)
        let cipherTiles = byInput.indices.filter { c in
            guard case .cipher = inputs[c] else { return false }
            return !byInput[c].isEmpty
        }
        let babies = try babyRotations(inputs, cipherTiles, stored: byInput, schedule)
        var items: [(group: Int, giant: Int)] = []
        for (group, diagonals) in stored.enumerated() {
            let all = cipherTiles.reduce(into: Set<Int>()) { $0.formUnion(diagonals[$1]) }
            items += schedule.giantGroups(stored: all).map { (group, $0) }
        }
        let partials = try parallelMap(items) { item -> Backend.Ciphertext in
            var terms: [Backend.Ciphertext] = []
            var termTiles: [Int] = []
            for (position, c) in cipherTiles.enumerated() {
                for b in 0..<schedule.babySteps {
                    let r = schedule.diagonal(giant: item.giant, baby: b)
                    guard let index = tileIndex[c * fc.gridCols + item.group * t.t2 + r],
                          let rotated = babies[position][b] else { continue }
                    terms.append(rotated)
                    termTiles.append(index)
                }
            }
            let sum = try self.accumulate(terms, 0..<terms.count) { term in
                try self.operand(fc, layerIndex: layerIndex, tile: termTiles[term], schedule: schedule)
            }
            let partial = try self.backend.rescale(sum)
            return item.giant == 0 ? partial : try self.backend.rotate(partial, by: item.giant * schedule.babySteps * t.t3)
        }
        var outputs: [Tile] = []
        var next = 0
        for group in stored.indices {
            let plainPart = plainRowDiagonal(fc, group: group, schedule, inputs, skipping: Set(cipherTiles))
            var acc: Backend.Ciphertext?
            while next < items.count && items[next].group == group {
                acc = try acc.map { try backend.add($0, partials[next]) } ?? partials[next]
                next += 1
            }
            guard var acc else {
                var values = plainPart ?? [Double](repeating: 0, count: t.slotCount)
                if let bias = layout.biasSlots(fc, output: group) { values = SlotMath.add(values, bias) }
                outputs.append(.plain(values))
                continue
            }
            if let plainPart {
                acc = try backend.add(acc, plain: backend.encode(plainPart, level: backend.level(of: acc),
                                                                scale: backend.scale(of: acc), purpose: .constant))
            }
            if let biasSlots = layout.biasSlots(fc, output: group) {
                let current = acc
                let bias = try cachedBias("\(layerIndex)/\(group)") {
                    try backend.encode(biasSlots, level: backend.level(of: current), scale: backend.scale(of: current), purpose: .bias)
                }
                acc = try backend.add(acc, plain: bias)
            }
            outputs.append(.cipher(acc))
        }
        return outputs
    }

    /// Group `group`'s contribution of the cleartext input tiles (those not
    /// in `skipping`), through the same steps in the clear; `nil` when no
    /// such tile has a diagonal in the group.
    private func plainRowDiagonal(_ fc: FullyConnectedLayer, group: Int, _ schedule: DiagonalSchedule, _ inputs: [Tile],
                                  skipping: Set<Int>) -> [Double]? {
        let t = plan.tile
        var values: [Double]?
        for tile in fc.tiles where tile.col / t.t2 == group && !skipping.contains(tile.row) {
            guard case .plain(let x) = inputs[tile.row] else { continue }
            let (g, b) = (tile.col % t.t2).quotientAndRemainder(dividingBy: schedule.babySteps)
            let product = SlotMath.multiply(layout.rowDiagonalSlots(of: tile, schedule: schedule),
                                            SlotMath.rotate(x, by: b * t.t3))
            let shifted = SlotMath.rotate(product, by: g * schedule.babySteps * t.t3)
            values = values.map { SlotMath.add($0, shifted) } ?? shifted
        }
        return values
    }
}
