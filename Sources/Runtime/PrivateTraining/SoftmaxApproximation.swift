internal import Foundation

/// The polynomial softmax the server evaluates, with its input domain and
/// error bound.
///
/// Domain: the *centred* logits u_j = z_j − mean_k z_k of the real classes
/// lie in [−U, U]. Softmax is evaluated at temperature 2^m first and then
/// sharpened m times, p ← p²/Σp², so that every inverse covers a narrow range:
///
/// 1. exp: γ·e^{u/2^m} ≈ q(u/2^k)^(2^(k−m)), q the cubic interpolating
///    φ·e^w at the four Chebyshev nodes of [−U/2^k, U/2^k], factored as
///    a3·(w − r)·(w² + p·w + s) (two levels), then k − m squarings;
///    γ = φ^(2^(k−m)) = 1/(c·e^{U/2^m}) puts the class sum in [e^{−U/2^m}, 1]
///    (Jensen: Σ e^{u_j/2^m} ≥ c for centred u).
/// 2. inverse: the minimax linear start y0 = B·(m + M − x) on [m, M]
///    (relative error ε0 = 1 − B·m·M), then n Goldschmidt steps
///    y ← y·(1 + e), e ← e² (HETAL's inverse; research note §1): relative
///    error ε0^(2^n).
/// 3. m sharpening stages: r = p², p ← r / Σ r with Σ r ∈ [1/c, 1].
///
/// Error bound (exact arithmetic, inputs in the domain): with η the relative
/// error of the exp approximation, the first probabilities have relative
/// error ρ0 = 2η/(1 − η) + η_inv; a stage maps ρ to 2σ/(1 − σ) + η_inv with
/// σ = 2ρ + ρ²; every probability is within ρ_m of the exact softmax.
public struct SoftmaxApproximation: Sendable, Codable, Equatable {
    /// U: the bound on the centred logits.
    public let domain: Double
    /// k: the cubic sees u/2^k.
    public let squarings: Int
    /// m: sharpening stages (temperature 2^m at first).
    public let sharpenings: Int
    /// Real classes c.
    public let classCount: Int
    /// a3, r, p, s of q(w) = a3·(w − r)·(w² + p·w + s).
    public let leading: Double, root: Double, linear: Double, constant: Double
    /// [m, M] of the first inverse (the class sum of γ·e^{u/2^m}).
    public let inverseLow: Double, inverseHigh: Double
    /// [m, M] of the sharpening inverses (Σ p²).
    public let sharpenLow: Double, sharpenHigh: Double
    /// Goldschmidt iterations of the first and the sharpening inverses.
    public let iterations: Int, sharpenIterations: Int
    /// η: relative error of the exp approximation on the domain.
    public let expRelativeError: Double
    /// The bound on |p̂_j − p_j| for centred logits in [−U, U].
    public let errorBound: Double

    /// - Parameters:
    ///   - domain: U, the bound on the centred logits.
    ///   - squarings: k; the cubic sees w ∈ [−U/2^k, U/2^k].
    ///   - sharpenings: m ≤ k.
    ///   - inverseTolerance: the largest acceptable relative error of an inverse.
    /// - Throws: `PrivateTrainingError.invalidHyperparameter` for a bad domain.
    public init(classCount: Int, domain: Double = 16, squarings: Int = 7, sharpenings: Int = 2,
                inverseTolerance: Double = 1e-6) throws(PrivateTrainingError) {
        guard domain > 0, domain <= 64, domain.isFinite else {
            throw PrivateTrainingError.invalidHyperparameter(name: "softmax domain", value: domain)
        }
        guard (0...12).contains(squarings) else {
            throw PrivateTrainingError.invalidHyperparameter(name: "softmax squarings", value: Double(squarings))
        }
        guard (0...min(squarings, 4)).contains(sharpenings) else {
            throw PrivateTrainingError.invalidHyperparameter(name: "softmax sharpenings", value: Double(sharpenings))
        }
        guard classCount >= 2 else { throw PrivateTrainingError.emptyProblem(samples: 0, features: 0, classes: classCount) }
        self.domain = domain
        self.squarings = squarings
        self.sharpenings = sharpenings
        self.classCount = classCount
        let power = Double(1 << (squarings - sharpenings))
        let h = domain / Double(1 << squarings)
        let tempered = domain / Double(1 << sharpenings)
        let gamma = 1 / (Double(classCount) * exp(tempered))
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
        inverseLow = exp(-tempered) * (1 - eta)
        inverseHigh = 1 + eta
        let (n1, inverseError) = Self.goldschmidt(low: inverseLow, high: inverseHigh, tolerance: inverseTolerance)
        iterations = n1
        // Sharpening: Σ p̂² lies in [(1/c)(1 − σ), 1 + σ]; a 5 % margin covers σ.
        sharpenLow = 0.95 / Double(classCount)
        sharpenHigh = 1.05
        let (n2, sharpenError) = Self.goldschmidt(low: sharpenLow, high: sharpenHigh, tolerance: inverseTolerance)
        sharpenIterations = sharpenings > 0 ? n2 : 0
        var rho = 2 * eta / (1 - eta) + inverseError
        for _ in 0..<sharpenings {
            let sigma = 2 * rho + rho * rho
            rho = 2 * sigma / (1 - sigma) + sharpenError
        }
        errorBound = rho
    }

    /// Iterations for relative error ≤ `tolerance` on [low, high], and that error.
    static func goldschmidt(low: Double, high: Double, tolerance: Double) -> (Int, Double) {
        let epsilon0 = 1 - slope(low, high) * low * high
        var n = 0, epsilon = epsilon0
        while epsilon > tolerance && n < 40 { epsilon *= epsilon; n += 1 }
        return (n, epsilon)
    }

    /// B of the minimax linear start y0 = B·(m + M − x) for 1/x on [m, M].
    public static func slope(_ low: Double, _ high: Double) -> Double {
        8 / (4 * low * high + (low + high) * (low + high))
    }

    /// 1/2^k: the factor the server folds into the logits.
    public var inputScale: Double { 1 / Double(1 << squarings) }

    /// Levels the server spends on one row block: cubic and squarings, first
    /// inverse and product, and per sharpening a mask, a square, an inverse
    /// and a product.
    public var depth: Int {
        2 + (squarings - sharpenings) + (2 + iterations) + 1 + sharpenings * (3 + 2 + sharpenIterations)
    }

    /// Evaluates the approximation in floating point, step for step as the
    /// server does (for tests and the simulated reference).
    public func probabilities(_ logits: [Double]) -> [Double] {
        let mean = logits.reduce(0, +) / Double(logits.count)
        let e = logits.map { z -> Double in
            let w = (z - mean) * inputScale
            var t = leading * (w - root) * (w * w + linear * w + constant)
            for _ in 0..<(squarings - sharpenings) { t *= t }
            return t
        }
        var p = Self.divide(e, low: inverseLow, high: inverseHigh, iterations: iterations)
        for _ in 0..<sharpenings {
            p = Self.divide(p.map { $0 * $0 }, low: sharpenLow, high: sharpenHigh, iterations: sharpenIterations)
        }
        return p
    }

    /// `values / Σ values` with the server's inverse.
    static func divide(_ values: [Double], low: Double, high: Double, iterations: Int) -> [Double] {
        let s = values.reduce(0, +)
        let b = slope(low, high)
        var y = b * (low + high - s)
        var err = 1 - s * y
        for _ in 0..<iterations {
            y *= 1 + err
            err *= err
        }
        return values.map { $0 * y }
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
