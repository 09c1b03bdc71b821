internal import Foundation

extension Plan {
    /// The expected largest |decrypted − exact| over a batch's outputs: a
    /// noise budget propagated through the layers, so that the compiler can
    /// choose a scale for `compile --precision` and report what to expect.
    ///
    /// Each error source is a random term with a standard deviation in value
    /// units (Δ the scale, N the ring degree, s a ternary secret):
    /// - a rescale, a key switch (rotation, relinearization) or a mask
    ///   multiply rounds every coefficient of c₀ + c₁·s: σ ≈ N/(√18·Δ)
    ///   (uniform rounding error times ‖s‖ ≈ √(2N/3), over N coefficients);
    /// - a fresh encryption: σ ≈ 3.2·√N/Δ, the encoded input √(N/12)/Δ.
    ///
    /// Errors propagate linearly: a dense layer multiplies the incoming error
    /// by the largest L2 norm of a weight row (independent errors add as a
    /// random walk), a polynomial by max |p′| over the layer's input bound
    /// (`bounds`, else 1). The result is ``errorMargin`` standard
    /// deviations: checked on the bundled models under CKKS
    /// (docs/benchmarks.md, "Precision on demand"), where it lies 10–400×
    /// above the largest measured error — an estimate with a margin, not a
    /// proof; the tests measure it.
    public var expectedMaxError: Double {
        let n = Double(1 << parameters.logN)
        let delta = pow(2.0, Double(parameters.logScale))
        let rounding = n / (18.0.squareRoot() * delta)
        var error = (3.2 * n.squareRoot() + (n / 12).squareRoot()) / delta
        var magnitude = bounds.map { max(abs($0.inputLower), abs($0.inputUpper)) } ?? 1
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .fullyConnected(let fc):
                let (norm, roundings) = Self.errorGain(fc, tile: tile)
                // Weight encoding rounds each weight by about √N/Δ (relative).
                error = norm * error + magnitude * norm * n.squareRoot() / delta + Double(roundings).squareRoot() * rounding
            case .packed(let packed):
                let (norm, roundings) = Self.errorGain(packed)
                error = norm * error + magnitude * norm * n.squareRoot() / delta + Double(roundings).squareRoot() * rounding
            case .polynomial(let poly):
                let c = poly.coefficients
                let slope = c.indices.dropFirst().reduce(0.0) { $0 + Double($1) * abs(c[$1]) * pow(magnitude, Double($1 - 1)) }
                let products = Double(poly.schedule.products.count + poly.schedule.terms.count)
                error = slope * (error + rounding) + products.squareRoot() * rounding
            case .bootstrap(let step):
                // A bootstrap's error is measured as a largest error relative
                // to the values it refreshes; the margin below applies to σ.
                error += magnitude * pow(2, -step.precisionBits) / Self.errorMargin
            }
            if let maxima = bounds?.layerMaxima, index < maxima.count { magnitude = max(maxima[index], 1e-12) }
        }
        return Self.errorMargin * error
    }

    /// Standard deviations of ``expectedMaxError``: 6 for the maximum of
    /// thousands of Gaussian outputs. (It was 16 while the key switch's
    /// ModUp and ModDown were biased: the digits MLP at 2^45 then came out
    /// at 1.9× the 6σ value; unbiased, at 1/19 of it.)
    static var errorMargin: Double { 6 }

    /// A dense layer's largest weight-row L2 norm, and the rounding events
    /// (rescales, key switches, mask multiplies) one output goes through.
    static func errorGain(_ fc: FullyConnectedLayer, tile: TileShape) -> (norm: Double, roundings: Int) {
        let rows: Int
        switch fc.form {
        case .typeA: rows = fc.gridRows * tile.t1
        case .typeB: rows = fc.gridCols * tile.t2
        case .diagonal: rows = tile.t2
        case .rowDiagonal: rows = (fc.outputGroups ?? 0) * tile.t1 * tile.t2
        }
        var rowSquares = [Double](repeating: 0, count: rows)
        let roundings: Int
        switch fc.form {
        case .typeA:
            for weight in fc.tiles {
                for i in 0..<tile.t1 {
                    let row = (i * tile.t2)..<((i + 1) * tile.t2)
                    var sum = 0.0
                    for value in weight.values[row] { sum += Double(value) * Double(value) }
                    rowSquares[weight.row * tile.t1 + i] += sum
                }
            }
            let reductions = fc.reductionSteps(tile: tile).count
            roundings = 1 + reductions
        case .typeB:
            for weight in fc.tiles {
                for j in 0..<tile.t2 {
                    var sum = 0.0
                    for k in stride(from: j, to: tile.t1 * tile.t2, by: tile.t2) { sum += Double(weight.values[k]) * Double(weight.values[k]) }
                    rowSquares[weight.col * tile.t2 + j] += sum
                }
            }
            roundings = 1 + fc.reductionSteps(tile: tile).count
        case .diagonal:
            for weight in fc.tiles {
                for (j, value) in weight.values.enumerated() where j < rows { rowSquares[j] += Double(value) * Double(value) }
            }
            let schedule = fc.diagonalSchedule(t2: tile.t2)
            roundings = schedule.giantSteps + schedule.babySteps + schedule.replicationSteps
        case .rowDiagonal:
            // Output (G, i, j) sums row i's entries of group G's diagonals.
            for weight in fc.tiles {
                let base = weight.col / tile.t2 * tile.t1 * tile.t2
                for (position, value) in weight.values.enumerated() where base + position < rows {
                    rowSquares[base + position] += Double(value) * Double(value)
                }
            }
            let schedule = fc.rowDiagonalSchedule(t2: tile.t2)
            roundings = schedule.giantSteps + schedule.babySteps
        }
        return ((rowSquares.max() ?? 0).squareRoot(), roundings)
    }
}
