internal import HepexcPlan

extension PlanExecutor {
    /// One fully connected layer: for each output tile, multiply-accumulate
    /// the contributing weight tiles, rescale, run the layer's
    /// ``ReductionStep``s (reduce inside the tile; for a Type-A layer that is
    /// not last, mask and duplicate), and add the bias.
    func fullyConnected(_ fc: FullyConnectedLayer, layerIndex: Int, _ inputs: [Tile]) throws -> [Tile] {
        let tileIndices = fc.tileIndicesByOutput
        let schedule = fc.diagonalSchedule(t2: plan.tile.t2)
        // Fewer output tiles than workers: split each tile's products instead.
        let chunks = fc.outputTileCount < threads ? threads / fc.outputTileCount : 1
        return try parallelMap(Array(0..<fc.outputTileCount)) { output in
            try self.outputTile(fc, layerIndex: layerIndex, output: output, contributing: tileIndices[output],
                                inputs: inputs, schedule: schedule, chunks: chunks)
        }
    }

    private func outputTile(_ fc: FullyConnectedLayer, layerIndex: Int, output: Int, contributing: [Int],
                            inputs: [Tile], schedule: DiagonalSchedule, chunks: Int) throws -> Tile {
        let t = plan.tile
        var cipherInputs: [Backend.Ciphertext] = []
        var cipherTiles: [Int] = []
        var plainSum: [Double]?
        for index in contributing {
            let tile = fc.tiles[index]
            switch inputs[tile.inputIndex(fc.form)] {
            case .cipher(let ct):
                cipherInputs.append(ct)
                cipherTiles.append(index)
            case .plain(let values):
                let product = SlotMath.multiply(values, layout.slots(of: tile))
                plainSum = plainSum.map { SlotMath.add($0, product) } ?? product
            }
        }
        guard !cipherInputs.isEmpty else {
            return .plain(plainOutput(fc, output: output, sum: plainSum))
        }
        var acc = try accumulate(cipherInputs, chunks: chunks) { term in
            try self.operand(fc, layerIndex: layerIndex, tile: cipherTiles[term], schedule: schedule)
        }
        let level = backend.level(of: acc)
        if let plainSum {
            let extra = try backend.encode(plainSum, level: level, scale: backend.scale(of: acc), purpose: .constant)
            acc = try backend.add(acc, plain: extra)
        }
        acc = try backend.rescale(acc)
        for step in fc.reductionSteps(tile: t) {
            switch step {
            case .rotateAndAdd(let steps):
                acc = try backend.add(acc, backend.rotate(acc, by: steps))
            case .mask:
                guard let mask = masks[layerIndex] else { throw ExecutorError.input("internal: layer \(fc.name) has no mask") }
                acc = try backend.rescale(backend.multiply(acc, plain: mask))
            }
        }
        if let biasSlots = layout.biasSlots(fc, output: output) {
            let current = acc
            let bias = try cachedBias("\(layerIndex)/\(output)") {
                try backend.encode(biasSlots, level: backend.level(of: current), scale: backend.scale(of: current), purpose: .bias)
            }
            acc = try backend.add(acc, plain: bias)
        }
        return .cipher(acc)
    }

    /// Σ inputᵢ ⊙ weight(i) before rescaling, in `chunks` parts on the
    /// workers (each at least two terms) added at the end.
    func accumulate(_ inputs: [Backend.Ciphertext], chunks: Int,
                    weight: (Int) throws -> Operand) throws -> Backend.Ciphertext {
        let size = (inputs.count + chunks - 1) / max(chunks, 1)
        guard chunks > 1, size >= 2, inputs.count > size else { return try accumulate(inputs, 0..<inputs.count, weight) }
        let ranges = stride(from: 0, to: inputs.count, by: size).map { $0..<min($0 + size, inputs.count) }
        let partials = try parallelMap(ranges) { range in try self.accumulate(inputs, range, weight) }
        var sum = partials[0]
        for partial in partials.dropFirst() { sum = try backend.add(sum, partial) }
        return sum
    }

    /// Σ inputᵢ ⊙ weight(i) over `range`, the weights fetched all at once
    /// (cached) or ``streamBlock`` at a time (streamed, so only that many
    /// encoded plaintexts are alive). Block sums are added: the same
    /// additions in count and, modulo q, the same result bit for bit.
    func accumulate(_ inputs: [Backend.Ciphertext], _ range: Range<Int>,
                    _ weight: (Int) throws -> Operand) throws -> Backend.Ciphertext {
        let block = streamsWeights ? Self.streamBlock : max(range.count, 1)
        var sum: Backend.Ciphertext?
        for start in stride(from: range.lowerBound, to: range.upperBound, by: block) {
            let part = start..<min(start + block, range.upperBound)
            let partial = try accumulate(Array(inputs[part]), part.map(weight))
            sum = try sum.map { try backend.add($0, partial) } ?? partial
        }
        guard let sum else { throw ExecutorError.input("internal: empty accumulation") }
        return sum
    }

    /// Σ inputᵢ ⊙ weightᵢ before rescaling (one lazy multiply-accumulate for
    /// plaintext weights; products added for encrypted weights).
    func accumulate(_ inputs: [Backend.Ciphertext], _ weights: [Operand]) throws -> Backend.Ciphertext {
        var plains: [Backend.Plaintext] = []
        var result: Backend.Ciphertext?
        for (input, weight) in zip(inputs, weights) {
            switch weight {
            case .plain(let pt): plains.append(pt)
            case .cipher(let ct):
                let product = try backend.multiply(input, ct)
                result = try result.map { try backend.add($0, product) } ?? product
            }
        }
        if !plains.isEmpty { return try backend.multiplyAccumulate(inputs, plains) }
        guard let result else { throw ExecutorError.input("internal: empty accumulation") }
        return result
    }

    /// The same computation on a tile known in the clear.
    private func plainOutput(_ fc: FullyConnectedLayer, output: Int, sum: [Double]?) -> [Double] {
        var values = sum ?? [Double](repeating: 0, count: plan.tile.slotCount)
        for step in fc.reductionSteps(tile: plan.tile) {
            switch step {
            case .rotateAndAdd(let steps): values = SlotMath.add(values, SlotMath.rotate(values, by: steps))
            case .mask: values = SlotMath.multiply(values, layout.maskSlots)
            }
        }
        if let bias = layout.biasSlots(fc, output: output) { values = SlotMath.add(values, bias) }
        return values
    }
}
