internal import HepexcPlan

extension PlanExecutor {
    /// A packed layer (``PackedLayer``) on one feature per tile: per output,
    /// Σ wₖ·x[columnₖ] as ciphertext × scalar multiplies (the constants at
    /// the modulus of the inputs' level, so the one rescale restores the
    /// scale), cleartext inputs folded in as one plaintext, then the bias as
    /// a constant. No rotation and no weight plaintext.
    func packed(_ layer: PackedLayer, _ tiles: [Tile]) throws -> [Tile] {
        guard tiles.count == layer.inFeatures else {
            throw ExecutorError.input("layer \(layer.name) (packed) needs \(layer.inFeatures) input tiles, got \(tiles.count)")
        }
        let slots = backend.slotCount
        return try parallelMap(Array(0..<layer.outFeatures)) { output in
            var ciphertexts: [Backend.Ciphertext] = []
            var constants: [Double] = []
            var clear: [Double]?
            for term in layer.terms(of: output) {
                let weight = Double(layer.weights[term])
                switch tiles[layer.columns[term]] {
                case .cipher(let ciphertext):
                    ciphertexts.append(ciphertext)
                    constants.append(weight)
                case .plain(let values):
                    var sum = clear ?? [Double](repeating: 0, count: slots)
                    for k in 0..<min(slots, values.count) { sum[k] += weight * values[k] }
                    clear = sum
                }
            }
            let bias = layer.bias.map { Double($0[output]) }
            guard let first = ciphertexts.first else {
                var values = clear ?? [Double](repeating: 0, count: slots)
                if let bias { for k in values.indices { values[k] += bias } }
                return .plain(values)
            }
            let level = self.backend.level(of: first)
            var sum = try self.backend.rescale(self.backend.multiplyAccumulate(
                ciphertexts, constants: constants, scale: self.backend.modulus(atLevel: level)))
            if let clear {
                let plain = try self.backend.encode(clear, level: self.backend.level(of: sum), scale: self.backend.scale(of: sum),
                                                    purpose: .bias)
                sum = try self.backend.add(sum, plain: plain)
            }
            if let bias { sum = try self.backend.add(sum, constant: bias) }
            return .cipher(sum)
        }
    }
}
