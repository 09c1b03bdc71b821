internal import HepexcPlan

extension PlanExecutor {
    /// A packed layer (``PackedLayer``) on one feature per tile: per output,
    /// Σ wₖ·x[columnₖ] as ciphertext × scalar multiplies (the constants at
    /// the modulus of the inputs' level, so the one rescale restores the
    /// scale), cleartext inputs folded in as one plaintext, then the bias as
    /// a constant. No rotation and no weight plaintext.
    ///
    /// Outputs run in the order of the last input they read, and each input
    /// tile is freed after its last reader (``TileStore``): a convolution
    /// then holds a moving band of its input beside its finished outputs,
    /// not both whole.
    func packed(_ layer: PackedLayer, _ tiles: consuming [Tile]) throws -> [Tile] {
        guard tiles.count == layer.inFeatures else {
            throw ExecutorError.input("layer \(layer.name) (packed) needs \(layer.inFeatures) input tiles, got \(tiles.count)")
        }
        var readers = [Int](repeating: 0, count: layer.inFeatures)
        for column in layer.columns where readers.indices.contains(column) { readers[column] += 1 }
        let store = TileStore(consume tiles, readers: readers)
        let lastRead = (0..<layer.outFeatures).map { output in layer.terms(of: output).map { layer.columns[$0] }.max() ?? -1 }
        let order = (0..<layer.outFeatures).sorted { (lastRead[$0], $0) < (lastRead[$1], $1) }
        let sums = try parallelMap(order) { output in try self.packedOutput(layer, output, store) }
        var outputs = sums
        for (position, output) in order.enumerated() { outputs[output] = sums[position] }
        return outputs
    }

    /// One output of a packed layer; its terms' input tiles are marked read.
    private func packedOutput(_ layer: PackedLayer, _ output: Int, _ store: TileStore<Tile>) throws -> Tile {
        let terms = layer.terms(of: output)
        defer { store.finished(terms.map { layer.columns[$0] }) }
        let slots = backend.slotCount
        var ciphertexts: [Backend.Ciphertext] = []
        var constants: [Double] = []
        var clear: [Double]?
        for term in terms {
            let weight = Double(layer.weights[term])
            guard let tile = store.read(layer.columns[term]) else {
                throw ExecutorError.input("internal: layer \(layer.name) input tile \(layer.columns[term]) was released before its use")
            }
            switch tile {
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
