internal import Foundation
internal import HepexcIR
internal import HepexcPlan

/// Value bounds: how large the values inside a plan can get, so that the
/// compiler sizes the scale and the first prime's headroom for them and
/// refuses a plan that cannot hold them (CKKS wraps an oversized value into
/// garbage without any error).
///
/// From the input range, interval arithmetic over the weights gives sound
/// bounds: a dense layer's partial sums stay within Σⱼ|wᵢⱼ|·Mⱼ + |bᵢ| (Mⱼ the
/// largest |input j|), a polynomial's powers within Mᵏ. Through several
/// polynomial layers these worst cases grow far beyond anything real inputs
/// reach (2^54 where values stay below 10 on a random 5-layer MLP) and would
/// refuse ordinary models, so the bound kept is the smaller of the interval
/// bound and the maxima observed on samples — the calibration data, or
/// without it inputs drawn from the range (uniform points and corners, which
/// maximise linear layers) — times a margin of ``calibrationMargin``. The
/// runtime then refuses inputs outside the range and any decrypted output
/// beyond its bound.
extension PlanCompiler {
    /// Calibrated bounds are the observed maxima times this.
    static let calibrationMargin = 4.0

    /// Per-feature intervals through the steps; returns the bounds per step.
    static func valueBounds(_ steps: [Step], features: Int, inputRange: ClosedRange<Double>,
                            calibration: [[Double]]?) -> ValueBounds {
        var lower = [Double](repeating: inputRange.lowerBound, count: features)
        var upper = [Double](repeating: inputRange.upperBound, count: features)
        var maxima: [Double] = []
        for step in steps {
            switch step {
            case let .dense(_, weight, bias):
                let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
                var nextLower = [Double](repeating: 0, count: outFeatures), nextUpper = nextLower
                var largest = 0.0
                for o in 0..<outFeatures {
                    let b = bias?.scalars[o] ?? 0
                    var (low, high, magnitude) = (b, b, abs(b))
                    for j in 0..<min(inFeatures, lower.count) {
                        let w = weight.scalars[o * inFeatures + j]
                        guard w != 0 else { continue }
                        let (a, c) = (w * lower[j], w * upper[j])
                        low += min(a, c)
                        high += max(a, c)
                        magnitude += abs(w) * max(abs(lower[j]), abs(upper[j]))
                    }
                    (nextLower[o], nextUpper[o]) = (low, high)
                    largest = max(largest, magnitude)
                }
                (lower, upper) = (nextLower, nextUpper)
                maxima.append(largest)
            case let .poly(coefficients, _):
                var largest = 0.0
                for j in lower.indices {
                    let range = polynomialRange(coefficients, lower[j], upper[j])
                    (lower[j], upper[j]) = (range.lowerBound, range.upperBound)
                    largest = max(largest, abs(range.lowerBound), abs(range.upperBound))
                }
                // The powers computed on the way (x², x⁴, …) must fit too.
                let m = max(abs(inputMagnitude(maxima, inputRange)), 0)
                let degree = max(coefficients.count - 1, 1)
                largest = max(largest, pow(m, Double(degree)))
                maxima.append(largest)
            }
        }
        let calibrated = calibration.map { !$0.isEmpty } ?? false
        let samples = calibrated ? calibration ?? [] : sampleInputs(features: features, range: inputRange)
        let observed = observedMaxima(steps, samples)
        let kept = zip(maxima, observed).map { min($0, max($1 * calibrationMargin, 1e-6)) }
        let source = kept == maxima ? "interval" : (calibrated ? "calibration" : "sampled")
        return ValueBounds(inputLower: inputRange.lowerBound, inputUpper: inputRange.upperBound,
                           layerMaxima: kept, source: source)
    }

    /// Inputs drawn from the range, deterministically: uniform points and
    /// corners (every feature at one end).
    static func sampleInputs(features: Int, range: ClosedRange<Double>, count: Int = 64) -> [[Double]] {
        var generator = SplitMix64(seed: 0x5EED_B0DE)
        let uniform = (0..<count).map { _ in (0..<features).map { _ in Double.random(in: range, using: &generator) } }
        let corners = (0..<count).map { _ in
            (0..<features).map { _ in Bool.random(using: &generator) ? range.upperBound : range.lowerBound }
        }
        return uniform + corners
    }

    /// The largest magnitude entering the next step.
    static func inputMagnitude(_ maxima: [Double], _ inputRange: ClosedRange<Double>) -> Double {
        maxima.last ?? max(abs(inputRange.lowerBound), abs(inputRange.upperBound))
    }

    /// A sound range of p(x) for x in [low, high]: exact up to degree 2, else
    /// c₀ ± Σₖ|cₖ|·Mᵏ.
    /// Intervals of a deep network can overflow: an infinite or NaN end
    /// gives the whole line (the calibration or sampled bounds then decide).
    static func polynomialRange(_ c: [Double], _ low: Double, _ high: Double) -> ClosedRange<Double> {
        guard low.isFinite, high.isFinite, low <= high else { return -Double.infinity...Double.infinity }
        let range = finitePolynomialRange(c, low, high)
        guard range.lowerBound.isFinite, range.upperBound.isFinite else { return -Double.infinity...Double.infinity }
        return range
    }

    static func finitePolynomialRange(_ c: [Double], _ low: Double, _ high: Double) -> ClosedRange<Double> {
        func p(_ x: Double) -> Double { c.reversed().reduce(0) { $0 * x + $1 } }
        let degree = c.lastIndex(where: { $0 != 0 }) ?? 0
        if degree <= 2 {
            var values = [p(low), p(high)]
            if degree == 2, c.count > 2, c[2] != 0 {
                let vertex = -c[1] / (2 * c[2])
                if vertex > low && vertex < high { values.append(p(vertex)) }
            }
            guard !values.contains(where: \.isNaN) else { return -Double.infinity...Double.infinity }
            return (values.min() ?? 0)...(values.max() ?? 0)
        }
        let m = max(abs(low), abs(high))
        var spread = 0.0, power = 1.0
        for k in 1..<c.count {
            power *= m
            spread += abs(c[k]) * power
        }
        let c0 = c.first ?? 0
        return (c0 - spread)...(c0 + spread)
    }

    /// The largest |value| after each step on the calibration rows.
    ///
    /// Row by row through local copies of the weights: reading
    /// `weight.scalars` inside the inner loop retained the tensor's storage
    /// on every product and made `--tile auto` spend seconds here.
    static func observedMaxima(_ steps: [Step], _ rows: [[Double]]) -> [Double] {
        var maxima = [Double](repeating: 0, count: steps.count)
        let dense: [(weights: [Double], bias: [Double], outFeatures: Int, inFeatures: Int)?] = steps.map { step in
            guard case let .dense(_, weight, bias) = step else { return nil }
            let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
            return (weight.scalars, bias?.scalars ?? [Double](repeating: 0, count: outFeatures), outFeatures, inFeatures)
        }
        // Four rows at a time share each weight load (a wide layer's weights
        // do not fit the cache, and `--tile auto` on the 3072 autoencoder
        // pushes 6,208 samples through 1.6 M of them). Each row's sums run in
        // the same order as one row at a time, and the maxima are taken in
        // row order: the same bits.
        var start = 0
        while start < rows.count {
            let end = min(start + 4, rows.count)
            if end - start == 4, rows[start..<end].allSatisfy({ $0.count == rows[start].count }) {
                observeFour(rows[start], rows[start + 1], rows[start + 2], rows[start + 3], steps, dense, &maxima)
            } else {
                for row in rows[start..<end] { observe(row, steps, dense, &maxima) }
            }
            start = end
        }
        return maxima
    }

    /// One sample row through the steps (``observedMaxima(_:_:)``).
    private static func observe(_ row: [Double], _ steps: [Step],
                                _ dense: [(weights: [Double], bias: [Double], outFeatures: Int, inFeatures: Int)?],
                                _ maxima: inout [Double]) {
        var values = row
        var next: [Double] = []
        for (index, step) in steps.enumerated() {
            var largest = 0.0
            if let (weights, bias, outFeatures, inFeatures) = dense[index] {
                let width = min(inFeatures, values.count)
                next.removeAll(keepingCapacity: true)
                for o in 0..<outFeatures {
                    var sum = o < bias.count ? bias[o] : 0
                    let base = o * inFeatures
                    for j in 0..<width { sum += weights[base + j] * values[j] }
                    next.append(sum)
                    largest = max(largest, abs(sum))
                }
                swap(&values, &next)
            } else if case let .poly(coefficients, _) = step {
                values = evaluate(coefficients, values, &largest)
            }
            maxima[index] = max(maxima[index], largest)
        }
    }

    /// Four rows of equal length at once, each exactly as ``observe(_:_:_:_:)`` does it.
    private static func observeFour(_ row0: [Double], _ row1: [Double], _ row2: [Double], _ row3: [Double], _ steps: [Step],
                                    _ dense: [(weights: [Double], bias: [Double], outFeatures: Int, inFeatures: Int)?],
                                    _ maxima: inout [Double]) {
        var (v0, v1, v2, v3) = (row0, row1, row2, row3)
        for (index, step) in steps.enumerated() {
            var (l0, l1, l2, l3) = (0.0, 0.0, 0.0, 0.0)
            if let (weights, bias, outFeatures, inFeatures) = dense[index] {
                let width = min(inFeatures, v0.count)
                var (n0, n1, n2, n3) = ([Double](), [Double](), [Double](), [Double]())
                n0.reserveCapacity(outFeatures)
                n1.reserveCapacity(outFeatures)
                n2.reserveCapacity(outFeatures)
                n3.reserveCapacity(outFeatures)
                for o in 0..<outFeatures {
                    let b = o < bias.count ? bias[o] : 0
                    var (s0, s1, s2, s3) = (b, b, b, b)
                    let base = o * inFeatures
                    for j in 0..<width {
                        let w = weights[base + j]
                        s0 += w * v0[j]
                        s1 += w * v1[j]
                        s2 += w * v2[j]
                        s3 += w * v3[j]
                    }
                    n0.append(s0)
                    n1.append(s1)
                    n2.append(s2)
                    n3.append(s3)
                    (l0, l1, l2, l3) = (max(l0, abs(s0)), max(l1, abs(s1)), max(l2, abs(s2)), max(l3, abs(s3)))
                }
                (v0, v1, v2, v3) = (n0, n1, n2, n3)
            } else if case let .poly(coefficients, _) = step {
                v0 = evaluate(coefficients, v0, &l0)
                v1 = evaluate(coefficients, v1, &l1)
                v2 = evaluate(coefficients, v2, &l2)
                v3 = evaluate(coefficients, v3, &l3)
            }
            maxima[index] = max(max(max(max(maxima[index], l0), l1), l2), l3)
        }
    }

    /// A polynomial on every value (Horner), the largest |result| folded into `largest`.
    private static func evaluate(_ coefficients: [Double], _ values: [Double], _ largest: inout Double) -> [Double] {
        var values = values
        for j in values.indices {
            let x = values[j]
            var y = 0.0
            for c in coefficients.reversed() { y = y * x + c }
            values[j] = y
            largest = max(largest, abs(y))
        }
        return values
    }

    /// Whether a tier's scale and first prime hold every layer's values at
    /// the level it ends on: |v|·Δ < Q_ℓ/2 for the products feeding that
    /// level, i.e. log2 B + 1 < first + (ℓ − 1)·scale. Returns the first
    /// layer that does not fit, with the bits it needs and has.
    static func headroomViolation(_ bounds: ValueBounds, depths: [Int], totalDepth: Int, first: Int,
                                  scale: Int) -> (layer: Int, needed: Double, available: Int)? {
        var consumed = 0
        for (index, maximum) in bounds.layerMaxima.enumerated() {
            consumed += depths[index]
            let level = totalDepth - consumed
            let available = first + (level - 1) * scale - 1
            let needed = log2(max(maximum, 1e-300))
            if !maximum.isFinite || needed >= Double(available) { return (index, needed, available) }
        }
        return nil
    }
}
