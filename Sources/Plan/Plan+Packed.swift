/// Costs, validation and error gain of batch-packed layers (``PackedLayer``).
extension Plan {
    /// Whether the plan runs on batch-packed features (its affine layers are
    /// ``PackedLayer``s and its tile is 1×1×t3).
    public var isPacked: Bool {
        layers.contains { if case .packed = $0 { return true } else { return false } }
    }

    /// A packed layer's operations given which input features are
    /// ciphertexts, and which outputs are. Per output with ciphertext terms:
    /// one ct × scalar multiply per term, the sum, one rescale, one
    /// plaintext addition folding the cleartext terms (if any) and one for
    /// the bias (if any); an output without ciphertext terms is cleartext.
    func packedOps(_ layer: PackedLayer, cipherInputs: [Bool]) -> (OpCounts, [Bool]) {
        var ops = OpCounts()
        var outputs = [Bool](repeating: false, count: layer.outFeatures)
        for output in 0..<layer.outFeatures {
            let terms = layer.terms(of: output)
            let cipherTerms = terms.filter { layer.columns[$0] < cipherInputs.count && cipherInputs[layer.columns[$0]] }.count
            guard cipherTerms > 0 else { continue }
            outputs[output] = true
            ops.constantMultiplies += cipherTerms
            ops.additions += cipherTerms - 1
            ops.rescales += 1
            if cipherTerms < terms.count { ops.plainAdditions += 1 }
            if layer.bias != nil { ops.plainAdditions += 1 }
        }
        return (ops, outputs)
    }

    /// A packed layer's statistics: every weight is a 1×1 "tile" of this
    /// packing (one scalar multiply per output position it feeds), so the
    /// sparsity is the fraction of zero entries of the layer's matrix.
    func packedCost(_ layer: PackedLayer, inputLevel: Int, cipherInputs: [Bool]) -> (LayerCost, [Bool]) {
        let (ops, outputs) = packedOps(layer, cipherInputs: cipherInputs)
        let cost = LayerCost(name: layer.name, kind: "packed", inputLevel: inputLevel, tilesStored: layer.termCount,
                             tilesTotal: layer.inFeatures * layer.outFeatures, grid: [layer.outFeatures, layer.inFeatures],
                             outputCiphertexts: outputs.filter { $0 }.count, ops: ops)
        return (cost, outputs)
    }

    /// A packed plan: a 1×1 tile, only packed and polynomial layers, every
    /// layer's rows well formed (offsets from 0 to the term count, strictly
    /// increasing columns inside the input, finite weights and bias).
    func validatePacked() throws(PlanError) {
        guard tile.t1 == 1, tile.t2 == 1 else {
            throw .invalid("packed layers need a 1x1xt3 tile (one feature per ciphertext), the plan has \(tile)")
        }
        var features = inputFeatures
        for layer in layers {
            switch layer {
            case .fullyConnected(let fc):
                throw .invalid("layer \(fc.name): a packed plan holds only packed and polynomial layers")
            case .polynomial:
                continue
            case .bootstrap(let step):
                throw .invalid("layer \(step.name): packed plans do not bootstrap")
            case .packed(let packed):
                guard packed.inFeatures == features else {
                    throw .invalid("layer \(packed.name) takes \(packed.inFeatures) features but receives \(features)")
                }
                try Self.validateRows(packed)
                features = packed.outFeatures
            }
        }
        guard features == outputFeatures else {
            throw .invalid("the last layer produces \(features) features, the plan declares \(outputFeatures)")
        }
    }

    private static func validateRows(_ layer: PackedLayer) throws(PlanError) {
        let name = layer.name
        guard layer.rowStarts.count == layer.outFeatures + 1, layer.rowStarts.first == 0,
              layer.rowStarts.last == layer.columns.count, layer.columns.count == layer.weights.count else {
            throw .invalid("layer \(name): \(layer.rowStarts.count) row offsets for \(layer.outFeatures) outputs and "
                           + "\(layer.columns.count) columns / \(layer.weights.count) weights do not match")
        }
        for output in 0..<layer.outFeatures {
            let (start, end) = (layer.rowStarts[output], layer.rowStarts[output + 1])
            guard start <= end else { throw .invalid("layer \(name): row offsets decrease at output \(output)") }
            var previous = -1
            for k in start..<end {
                let column = layer.columns[k]
                guard column > previous, column < layer.inFeatures else {
                    throw .invalid("layer \(name): output \(output) reads input \(column), outside 0..<\(layer.inFeatures) or out of order")
                }
                guard layer.weights[k].isFinite else { throw .invalid("layer \(name): output \(output) has a non-finite weight") }
                previous = column
            }
        }
        if let bias = layer.bias, bias.count != layer.outFeatures || !bias.allSatisfy(\.isFinite) {
            throw .invalid("layer \(name): bias must hold \(layer.outFeatures) finite values")
        }
    }

    /// A packed layer's largest weight-row L2 norm; one rounding (the rescale).
    static func errorGain(_ layer: PackedLayer) -> (norm: Double, roundings: Int) {
        var largest = 0.0
        for output in 0..<layer.outFeatures {
            let sum = layer.terms(of: output).reduce(0.0) { $0 + Double(layer.weights[$1]) * Double(layer.weights[$1]) }
            largest = max(largest, sum)
        }
        return (largest.squareRoot(), 1)
    }
}
