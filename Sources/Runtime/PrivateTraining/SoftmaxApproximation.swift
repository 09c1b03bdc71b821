internal import Foundation

/// The polynomial softmax the server evaluates, with its input domain and
/// error bound.
///
/// Domain: the *centred* logits u_j = z_j − mean_k z_k of the real classes
/// lie in [−U, U]. Then (Jensen) c ≤ Σ_j e^{u_j} ≤ c·e^U, which bounds the
/// range the inverse must cover.
///
/// 1. exp: γ·e^u ≈ q(u/2^k)^(2^k), where q is the cubic interpolating
///    γ^(1/2^k)·e^w at the four Chebyshev nodes of [−U/2^k, U/2^k], factored
///    as a3·(w − r)·(w² + p·w + s) so it costs two levels; then k squarings.
///    γ = 1/(c·e^U) puts the class sum S′ = Σ γ·e^u in [e^−U, 1].
/// 2. 1/S′: the minimax linear start y0 = B·(m + M − x) on [m, M] (relative
///    error ε0 = 1 − B·m·M), then n Goldschmidt steps y ← y·(1 + e), e ← e²
///    (HETAL's inverse, research note §1): relative error ε0^(2^n).
/// 3. p_j = γ·e^{u_j} · (1/S′).
///
/// Error bound (exact arithmetic): with η the relative error of the exp
/// approximation and η_inv that of the inverse, every probability is within
/// 2η/(1 − η) + η_inv of the exact softmax, for inputs in the domain.
/// Depth: 2 (cubic) + k (squarings) + 2 + n (inverse) + 1 (product).
public struct SoftmaxApproximation: Sendable, Codable, Equatable {
    /// U: the bound on the centred logits.
    public let domain: Double
    /// k: squarings after the cubic.
    public let squarings: Int
    /// Real classes c.
    public let classCount: Int
    /// a3, r, p, s of q(w) = a3·(w − r)·(w² + p·w + s).
    public let leading: Double, root: Double, linear: Double, constant: Double
    /// γ = 1/(c·e^U).
    public let normaliser: Double
    /// [m, M]: the interval of the class sum S′ the inverse covers.
    public let inverseLow: Double, inverseHigh: Double
    /// n: Goldschmidt iterations.
    public let iterations: Int
    /// η: relative error of the exp approximation on the domain.
    public let expRelativeError: Double
    /// η_inv: relative error of the inverse on [m, M].
    public let inverseRelativeError: Double

    /// - Parameters:
    ///   - domain: U, the bound on the centred logits.
    ///   - squarings: k; the cubic sees w ∈ [−U/2^k, U/2^k].
    ///   - inverseTolerance: the largest acceptable η_inv.
    /// - Throws: `PrivateTrainingError.invalidHyperparameter` for a bad domain.
    public init(classCount: Int, domain: Double = 8, squarings: Int = 5,
                inverseTolerance: Double = 1e-4) throws(PrivateTrainingError) {
        guard domain > 0, domain <= 32, domain.isFinite else {
            throw PrivateTrainingError.invalidHyperparameter(name: "softmax domain", value: domain)
        }
        guard (0...12).contains(squarings) else {
            throw PrivateTrainingError.invalidHyperparameter(name: "softmax squarings", value: Double(squarings))
        }
        guard classCount >= 2 else { throw PrivateTrainingError.emptyProblem(samples: 0, features: 0, classes: classCount) }
        self.domain = domain
        self.squarings = squarings
        self.classCount = classCount
        let power = Double(1 << squarings)
        let h = domain / power
        let gamma = 1 / (Double(classCount) * exp(domain))
        normaliser = gamma
        let factor = exp(log(gamma) / power)
        // Interpolate factor·e^w at the Chebyshev nodes (Vandermonde solve).
        let nodes = (0..<4).map { h * cos(Double(2 * $0 + 1) * Double.pi / 8) }
        let q = Self.solveVandermonde(nodes, nodes.map { factor * exp($0) })
        // A real root of the cubic (q(−∞) = −∞ since a3 > 0), then deflate.
        var lower = -h - 1
        while Self.cubic(q, lower) > 0 { lower *= 2 }
        var upper = -h, r = 0.0
        for _ in 0..<200 {
            r = (lower + upper) / 2
            if Self.cubic(q, r) > 0 { upper = r } else { lower = r }
        }
        leading = q[3]
        root = r
        linear = q[2] / q[3] + r
        constant = q[1] / q[3] + r * linear
        // η of the exp: the cubic's relative error, compounded by the squarings.
        var worst = 0.0
        for i in 0...4000 {
            let w = -h + 2 * h * Double(i) / 4000
            let approx = leading * (w - r) * (w * w + linear * w + constant)
            worst = max(worst, abs(approx / (factor * exp(w)) - 1))
        }
        let eta = pow(1 + worst, power) - 1
        expRelativeError = eta
        inverseLow = exp(-domain) * (1 - eta)
        inverseHigh = 1 + eta
        let b = 8 / (4 * inverseLow * inverseHigh + (inverseLow + inverseHigh) * (inverseLow + inverseHigh))
        let epsilon0 = 1 - b * inverseLow * inverseHigh
        var n = 0, epsilon = epsilon0
        while epsilon > inverseTolerance && n < 40 { epsilon *= epsilon; n += 1 }
        iterations = n
        inverseRelativeError = epsilon
    }

    /// The bound on |p̂_j − p_j| for centred logits in [−U, U] (exact arithmetic).
    public var errorBound: Double { 2 * expRelativeError / (1 - expRelativeError) + inverseRelativeError }

    /// 1/2^k: the factor the server folds into the logits.
    public var inputScale: Double { 1 / Double(1 << squarings) }

    /// B of the linear start y0 = B·(m + M − x).
    public var startSlope: Double {
        8 / (4 * inverseLow * inverseHigh + (inverseLow + inverseHigh) * (inverseLow + inverseHigh))
    }

    /// Levels the server spends: cubic, squarings, inverse, product.
    public var depth: Int { 2 + squarings + 2 + iterations + 1 }

    /// Evaluates the approximation in floating point, step for step as the
    /// server does (for tests and the simulated reference).
    public func probabilities(_ logits: [Double]) -> [Double] {
        let mean = logits.reduce(0, +) / Double(logits.count)
        let e = logits.map { z -> Double in
            let w = (z - mean) * inputScale
            var t = leading * (w - root) * (w * w + linear * w + constant)
            for _ in 0..<squarings { t *= t }
            return t
        }
        let s = e.reduce(0, +)
        let b = startSlope
        var y = b * (inverseLow + inverseHigh - s)
        var err = 1 - s * y
        for _ in 0..<iterations {
            y *= 1 + err
            err *= err
        }
        return e.map { $0 * y }
    }

    /// The exact softmax, for reference.
    public static func exact(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let e = logits.map { exp($0 - top) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// The largest centred logit |z_j − mean z| of one row.
    public static func centredMagnitude(_ logits: [Double]) -> Double {
        let mean = logits.reduce(0, +) / Double(logits.count)
        return logits.map { abs($0 - mean) }.max() ?? 0
    }

    static func cubic(_ q: [Double], _ x: Double) -> Double { ((q[3] * x + q[2]) * x + q[1]) * x + q[0] }

    /// Coefficients (constant first) of the polynomial through the points.
    static func solveVandermonde(_ x: [Double], _ y: [Double]) -> [Double] {
        let n = x.count
        var m = (0..<n).map { i in (0..<n).map { pow(x[i], Double($0)) } + [y[i]] }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) } ?? col
            m.swapAt(col, pivot)
            for row in 0..<n where row != col {
                let f = m[row][col] / m[col][col]
                for k in col...n { m[row][k] -= f * m[col][k] }
            }
        }
        return (0..<n).map { m[$0][n] / m[$0][$0] }
    }
}
