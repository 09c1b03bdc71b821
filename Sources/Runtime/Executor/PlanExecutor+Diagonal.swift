public import HepexcPlan

extension PlanExecutor {
    /// One Type-D (diagonal) layer, as ``DiagonalSchedule`` describes: hoisted
    /// baby rotations of the input, one multiply-accumulate and rescale per
    /// giant step (in parallel), the giant rotations, the replication over
    /// t2/d periods, the bias.
    func diagonal(_ fc: FullyConnectedLayer, layerIndex: Int, _ input: Tile) throws -> Tile {
        let t = plan.tile
        let schedule = fc.diagonalSchedule(t2: t.t2)
        var operands: [Int: Operand] = [:]
        for (tile, operand) in zip(fc.tiles, weights[layerIndex]) { operands[tile.col] = operand }
        guard case .cipher(let x) = input, !operands.isEmpty else {
            return .plain(plainDiagonal(fc, schedule, input))
        }
        let stored = Set(operands.keys)
        let babySteps = schedule.babyRotations(stored: stored)
        var babies: [Int: Backend.Ciphertext] = [0: x]
        for (b, rotated) in zip(babySteps, try backend.rotations(x, by: babySteps.map { $0 * t.t3 })) { babies[b] = rotated }
        let partials = try parallelMap(schedule.giantGroups(stored: stored)) { g -> Backend.Ciphertext in
            var inputs: [Backend.Ciphertext] = []
            var terms: [Operand] = []
            for b in 0..<schedule.babySteps {
                guard let operand = operands[schedule.diagonal(giant: g, baby: b)], let rotated = babies[b] else { continue }
                inputs.append(rotated)
                terms.append(operand)
            }
            let partial = try self.backend.rescale(self.accumulate(inputs, terms))
            return g == 0 ? partial : try self.backend.rotate(partial, by: g * schedule.babySteps * t.t3)
        }
        guard var acc = partials.first else { throw ExecutorError.input("internal: layer \(fc.name) has no giant step") }
        for partial in partials.dropFirst() { acc = try backend.add(acc, partial) }
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

    /// The same steps on a tile known in the clear (or with no stored diagonal).
    private func plainDiagonal(_ fc: FullyConnectedLayer, _ schedule: DiagonalSchedule, _ input: Tile) -> [Double] {
        let t = plan.tile
        var values = [Double](repeating: 0, count: t.slotCount)
        if case .plain(let x) = input {
            for tile in fc.tiles {
                let (g, b) = tile.col.quotientAndRemainder(dividingBy: schedule.babySteps)
                let product = SlotMath.multiply(layout.diagonalSlots(of: tile, schedule: schedule),
                                                SlotMath.rotate(x, by: b * t.t3))
                values = SlotMath.add(values, SlotMath.rotate(product, by: g * schedule.babySteps * t.t3))
            }
            for p in 0..<schedule.replicationSteps {
                values = SlotMath.add(values, SlotMath.rotate(values, by: (schedule.width << p) * t.t3))
            }
        }
        if let bias = layout.biasSlots(fc, output: 0) { values = SlotMath.add(values, bias) }
        return values
    }
}
