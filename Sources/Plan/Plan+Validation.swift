extension Plan {
    /// The first fully connected layer (whose input layout the client encodes).
    public var firstFullyConnected: FullyConnectedLayer? {
        for layer in layers {
            if case .fullyConnected(let fc) = layer { return fc }
        }
        return nil
    }

    /// Checks the plan's internal consistency (what a corrupted or
    /// hand-edited file could break); the executor trusts a valid plan.
    public func validate() throws(PlanError) {
        let t = tile
        // Sizes from the file are bounded before any product is formed
        // (a tile of 2^32 per side would overflow t1·t2·t3).
        let sideLimit = 1 << 16, featureLimit = 1 << 24
        guard [t.t1, t.t2, t.t3].allSatisfy({ $0 >= 1 && $0 <= sideLimit }) else {
            throw .invalid("tile dimensions \(t) must lie in 1…\(sideLimit)")
        }
        guard (1...featureLimit).contains(inputFeatures), (1...featureLimit).contains(outputFeatures) else {
            throw .invalid("feature counts \(inputFeatures) → \(outputFeatures) must lie in 1…\(featureLimit)")
        }
        guard parameters.logQ.count <= 64, parameters.logP.count <= 64,
              (parameters.logQ + parameters.logP).allSatisfy({ (20...61).contains($0) }) else {
            throw .invalid("prime sizes \(parameters.logQ) + \(parameters.logP) must be 20…61 bits, at most 64 of each")
        }
        for layer in layers {
            switch layer {
            case .fullyConnected(let fc):
                guard (1...featureLimit).contains(fc.inFeatures), (1...featureLimit).contains(fc.outFeatures),
                      (0...featureLimit).contains(fc.gridRows), (0...featureLimit).contains(fc.gridCols) else {
                    throw .invalid("layer \(fc.name) has sizes out of range")
                }
            case .polynomial(let poly):
                guard poly.coefficients.count <= Self.maximumPolynomialCoefficients else {
                    throw .invalid("polynomial \(poly.name) has degree \(poly.coefficients.count - 1); at most \(Self.maximumPolynomialCoefficients - 1)")
                }
            case .packed(let packed):
                guard (1...featureLimit).contains(packed.inFeatures), (1...featureLimit).contains(packed.outFeatures) else {
                    throw .invalid("layer \(packed.name) has sizes out of range")
                }
            case .bootstrap:
                break
            }
        }
        guard [t.t1, t.t2, t.t3].allSatisfy(TileShape.isPowerOfTwo) else {
            throw .invalid("tile dimensions \(t) must be powers of two")
        }
        guard (1...16).contains(parameters.logN), t.slotCount == parameters.slotCount else {
            throw .invalid("tile \(t) holds \(t.slotCount) slots but logN \(parameters.logN) gives \(parameters.slotCount)")
        }
        guard !parameters.logQ.isEmpty, depth >= 0, bootstraps || depth <= parameters.maxLevel else {
            throw .invalid("depth \(depth) does not fit the \(parameters.logQ.count) ciphertext primes")
        }
        guard inputFeatures > 0, outputFeatures > 0, !layers.isEmpty else { throw .invalid("empty plan") }
        // Every scale prime has the scale's size, below the first prime's:
        // otherwise rescaling drifts from the scale and values overflow.
        // Bootstrap settings are bounded before any level arithmetic uses them.
        try validateBootstraps()
        // With bootstraps, only the primes the data is rescaled by (up to the
        // level after a bootstrap, and SlotToCoeff's) are scale primes.
        let scalePrimes = bootstraps ? levelAfterBootstrap + (bootstrapSteps.first?.slotToCoeffLevels ?? 0) : parameters.maxLevel
        guard parameters.logQ.dropFirst().prefix(max(scalePrimes, 0)).allSatisfy({ $0 == parameters.logScale }),
              let first = parameters.logQ.first, first > parameters.logScale, parameters.logScale > 0 else {
            throw .invalid("log-scale \(parameters.logScale) is inconsistent with the primes \(parameters.logQ)")
        }
        if let bounds {
            guard bounds.inputLower.isFinite, bounds.inputUpper.isFinite, bounds.inputLower <= bounds.inputUpper,
                  bounds.layerMaxima.count == layers.count, bounds.layerMaxima.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw .invalid("the value bounds do not fit the plan (\(bounds.layerMaxima.count) bounds for \(layers.count) layers)")
            }
        }
        if let permutation = inputPermutation, permutation.sorted() != Array(0..<inputFeatures) {
            throw .invalid("the input permutation is not a permutation of 0..<\(inputFeatures)")
        }
        if let permutation = outputPermutation, permutation.sorted() != Array(0..<outputFeatures) {
            throw .invalid("the output permutation is not a permutation of 0..<\(outputFeatures)")
        }
        for step in rotationSteps where step <= 0 || step >= t.slotCount {
            throw .invalid("rotation step \(step) is outside 1..<\(t.slotCount)")
        }
        if isPacked { try validatePacked() }
        var features = isPacked ? outputFeatures : inputFeatures
        var expectedForm: FCForm = firstFullyConnected?.form ?? .typeA
        for layer in layers {
            guard case .fullyConnected(let fc) = layer else { continue }
            guard fc.inFeatures == features else {
                throw .invalid("layer \(fc.name) takes \(fc.inFeatures) features but receives \(features)")
            }
            guard fc.form == expectedForm || (fc.form.takesInputAlongT2 && expectedForm.takesInputAlongT2) else {
                throw .invalid("layer \(fc.name) should be Type \(expectedForm.takesInputAlongT2 ? "A or D" : "B")")
            }
            if fc.form == .rowDiagonal {
                try validateRowDiagonal(fc)
                features = fc.outFeatures
                continue
            }
            if fc.form == .diagonal {
                try validateDiagonal(fc)
                features = fc.outFeatures
                expectedForm = .typeA
                continue
            }
            let (rowFeatures, colFeatures) = fc.form == .typeA ? (fc.outFeatures, fc.inFeatures) : (fc.inFeatures, fc.outFeatures)
            let (rowsNeeded, colsNeeded) = ((rowFeatures + t.t1 - 1) / t.t1, (colFeatures + t.t2 - 1) / t.t2)
            guard fc.gridRows == rowsNeeded, fc.gridCols == colsNeeded else {
                throw .invalid("layer \(fc.name) has a \(fc.gridRows)×\(fc.gridCols) grid, expected \(rowsNeeded)×\(colsNeeded)")
            }
            var seen = Set<Int>()
            for tile in fc.tiles {
                guard tile.row >= 0, tile.row < fc.gridRows, tile.col >= 0, tile.col < fc.gridCols,
                      seen.insert(tile.row * fc.gridCols + tile.col).inserted else {
                    throw .invalid("layer \(fc.name): tile (\(tile.row), \(tile.col)) is outside the grid or repeated")
                }
                guard tile.values.count == t.t1 * t.t2, tile.values.allSatisfy(\.isFinite) else {
                    throw .invalid("layer \(fc.name): tile (\(tile.row), \(tile.col)) must hold \(t.t1 * t.t2) finite values")
                }
            }
            try validateBias(fc)
            features = fc.outFeatures
            expectedForm = fc.form == .typeA ? .typeB : .typeA
        }
        guard features == outputFeatures else {
            throw .invalid("the last layer produces \(features) features, the plan declares \(outputFeatures)")
        }
        for layer in layers {
            if case .polynomial(let poly) = layer, poly.coefficients.isEmpty || !poly.coefficients.allSatisfy(\.isFinite) {
                throw .invalid("polynomial \(poly.name) needs finite coefficients")
            }
        }
        // The depth and the rotation keys follow from the layers: a file
        // cannot claim fewer levels than its polynomials consume (the
        // executor would index past the chain) or ask for keys it never uses
        // (thousands of Galois keys, gigabytes).
        let consumed = layers.reduce(0) { total, layer in
            switch layer {
            case .fullyConnected(let fc): return total + (fc.form == .typeA && !fc.isLast ? 2 : 1)
            case .polynomial(let poly): return total + PolynomialSchedule(coefficients: poly.coefficients).depth
            case .packed(let packed): return total + packed.depth
            case .bootstrap: return total
            }
        }
        guard consumed == depth else {
            throw .invalid("the layers consume \(consumed) levels but the plan declares depth \(depth)")
        }
        guard Set(rotationSteps) == Set(Plan.rotationSteps(for: layers, tile: tile)) else {
            throw .invalid("the rotation steps (\(rotationSteps.count)) are not the ones the layers use")
        }
    }

    /// Polynomial activations of higher degree are refused (a crafted file
    /// could otherwise make the schedule and the chain arbitrarily long).
    static let maximumPolynomialCoefficients = 257

    private func validateBias(_ fc: FullyConnectedLayer) throws(PlanError) {
        if let bias = fc.bias, bias.count != fc.outFeatures || !bias.allSatisfy(\.isFinite) {
            throw .invalid("layer \(fc.name): bias must hold \(fc.outFeatures) finite values")
        }
    }

    /// A Type-D layer: at most t2 outputs, a grid of input tiles × `width`
    /// diagonals of t2 finite values each.
    private func validateDiagonal(_ fc: FullyConnectedLayer) throws(PlanError) {
        let t2 = tile.t2
        guard DiagonalSchedule.fits(inFeatures: fc.inFeatures, outFeatures: fc.outFeatures, t2: t2) else {
            throw .invalid("layer \(fc.name) (Type D) has \(fc.outFeatures) outputs; at most t2 = \(t2)")
        }
        let schedule = fc.diagonalSchedule(t2: t2)
        let (rows, width) = (schedule.inputTiles(inFeatures: fc.inFeatures), schedule.width)
        guard fc.gridRows == rows, fc.gridCols == width else {
            throw .invalid("layer \(fc.name) has a \(fc.gridRows)×\(fc.gridCols) grid, expected \(rows)×\(width) (input tiles × diagonals)")
        }
        var seen = Set<Int>()
        for tile in fc.tiles {
            guard tile.row >= 0, tile.row < rows, tile.col >= 0, tile.col < width,
                  seen.insert(tile.row * width + tile.col).inserted else {
                throw .invalid("layer \(fc.name): diagonal (\(tile.row), \(tile.col)) is outside the grid or repeated")
            }
            guard tile.values.count == t2, tile.values.allSatisfy(\.isFinite) else {
                throw .invalid("layer \(fc.name): diagonal \(tile.col) must hold \(t2) finite values")
            }
        }
        try validateBias(fc)
    }
}
