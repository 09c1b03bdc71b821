#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// EvalMod: x = I + m/q_0 ↦ sin(2πx) ≈ 2π·m/q_0, on t = x/K ∈ [−1, 1].
///
/// A Chebyshev interpolant of cos(2π(K·t − 1/4)/2^r) (Paterson–Stockmeyer style
/// baby-step giant-step in the Chebyshev basis, Bossuat et al. 2021), then r double-angle
/// steps cos(2θ) = 2cos²θ − 1 (Han–Ki 2020): cos(2πx − π/2) = sin(2πx).
///
/// Arithmetic keeps one scale per level (`scales[ℓ]`, Δ_{ℓ−1} = Δ_ℓ²/q_ℓ): a ct×ct product
/// of two level-ℓ operands lands on Δ_{ℓ−1} after its rescale, constants are encoded so
/// that products land there too, and an operand above the other is brought down by one
/// multiplication by 1 at the exact scale, so additions never mismatch.
struct EvalMod: Sendable {
    let evaluator: Evaluator
    /// Δ_ℓ for every level at or below the input level.
    let scales: [Double]
    /// Chebyshev coefficients of the interpolant on [−1, 1].
    let coefficients: [Double]
    let doubleAngles: Int
    /// Baby steps T_1 … T_{B−1}; giants T_B, T_2B, ….
    let babyCount: Int

    init(evaluator: Evaluator, inputLevel: Int, parameters: BootstrapParameters) {
        self.evaluator = evaluator
        self.scales = Self.scales(moduli: evaluator.context.parameters.ciphertextModuli, inputLevel: inputLevel)
        let k = Double(parameters.modulusRange), r = Double(1 << parameters.doubleAngles)
        self.coefficients = Self.chebyshev(degree: parameters.chebyshevDegree) { t in
            cos(2 * Double.pi * (k * t - 0.25) / r)
        }
        self.doubleAngles = parameters.doubleAngles
        self.babyCount = 1 << (((parameters.chebyshevDegree + 1).trailingZeroBitCount + 1) / 2)
    }

    /// Δ_ℓ for every level at or below `inputLevel`: Δ_input = q_input, Δ_{ℓ−1} = Δ_ℓ²/q_ℓ.
    static func scales(moduli: [UInt64], inputLevel: Int) -> [Double] {
        var scales = [Double](repeating: 0, count: inputLevel + 1)
        scales[inputLevel] = Double(moduli[inputLevel])
        for level in stride(from: inputLevel, to: 0, by: -1) {
            scales[level - 1] = scales[level] * scales[level] / Double(moduli[level])
        }
        return scales
    }

    /// Chebyshev interpolation at the d + 1 Chebyshev nodes: p = Σ c_j T_j.
    static func chebyshev(degree d: Int, _ f: (Double) -> Double) -> [Double] {
        let count = d + 1
        let nodes = (0..<count).map { Double.pi * (Double($0) + 0.5) / Double(count) }
        let values = nodes.map { f(cos($0)) }
        var c = (0...d).map { j in
            2 / Double(count) * zip(nodes, values).reduce(0) { $0 + $1.1 * cos(Double(j) * $1.0) }
        }
        c[0] /= 2
        return c
    }

    /// Evaluates `Σ c_j T_j(t)` in the clear (Clenshaw), for tests.
    static func evaluate(_ c: [Double], at t: Double) -> Double {
        var b1 = 0.0, b2 = 0.0
        for j in stride(from: c.count - 1, through: 1, by: -1) {
            let b = 2 * t * b1 - b2 + c[j]
            b2 = b1; b1 = b
        }
        return t * b1 - b2 + c[0]
    }

    /// sin(2πx) in every slot of `ct` (values t = x/K at level `scales.count − 1`, scale Δ_top).
    func apply(_ ct: Ciphertext) throws -> Ciphertext {
        var ct = ct
        ct.scale = scales[ct.level]
        // Baby steps T_1 … T_B and giants T_2B, T_4B, … below the degree.
        var basis: [Int: Ciphertext] = [1: ct]
        for i in 2...babyCount {
            if i % 2 == 0 {
                let half = try value(basis, i / 2)
                basis[i] = try add(double(multiply(half, half)), constant: -1)
            } else {
                let product = try multiply(value(basis, (i + 1) / 2), value(basis, (i - 1) / 2))
                basis[i] = try subtract(double(product), value(basis, 1))
            }
        }
        var m = babyCount
        while 2 * m < coefficients.count {
            let t = try value(basis, m)
            basis[2 * m] = try add(double(multiply(t, t)), constant: -1)
            m *= 2
        }
        var result = try evaluate(coefficients, basis)
        for _ in 0..<doubleAngles {
            result = try add(double(multiply(result, result)), constant: -1)
        }
        return result
    }

    /// `p = q + r·T_m` with m the largest power of two ≤ deg p (Chebyshev division), recursively.
    private func evaluate(_ c: [Double], _ basis: [Int: Ciphertext]) throws -> Ciphertext {
        if c.count <= babyCount { return try combine(c, basis) }
        var m = 1
        while 2 * m < c.count { m *= 2 }
        var q = Array(c[0..<m])
        for i in 1..<m where 2 * m - i < c.count { q[i] -= c[2 * m - i] }
        var r = [c[m]]
        for k in 1..<(c.count - m) { r.append(2 * c[m + k]) }
        let low = try evaluate(q, basis)
        let high = try multiply(evaluate(r, basis), value(basis, m))
        return try add(low, high)
    }

    /// `c_0 + Σ_{i ≥ 1} c_i T_i` in one level: every term lands on the same scale.
    private func combine(_ c: [Double], _ basis: [Int: Ciphertext]) throws -> Ciphertext {
        let used = (1..<max(c.count, 2)).filter { $0 == 1 || abs(c[$0]) > 0 }
        let target = try used.map { try value(basis, $0).level }.min().map { $0 - 1 } ?? 0
        guard target >= 0 else { throw HEError.levelExhausted(operation: "EvalMod", level: 0) }
        let q = Double(evaluator.context.parameters.ciphertextModuli[target + 1])
        var total: Ciphertext?
        for i in used {
            let t = try evaluator.dropLevel(value(basis, i), to: target + 1)
            let coefficient = i < c.count ? c[i] : 0
            let term = try evaluator.multiply(t, constant: coefficient, scale: scales[target] * q / t.scale)
            total = try total.map { try evaluator.add($0, term) } ?? term
        }
        guard var total else { throw HEError.bootstrapNotPossible("internal: empty Chebyshev combination") }
        total = try evaluator.rescale(total)
        total.scale = scales[target]
        return try add(total, constant: c[0])
    }

    // MARK: Arithmetic at one scale per level

    private func value(_ basis: [Int: Ciphertext], _ i: Int) throws -> Ciphertext {
        guard let ct = basis[i] else { throw HEError.bootstrapNotPossible("internal: T_\(i) missing") }
        return ct
    }

    /// `ct` brought down to `level` at exactly Δ_level (no-op at or below it).
    private func lower(_ ct: Ciphertext, to level: Int) throws -> Ciphertext {
        guard ct.level > level else { return ct }
        let dropped = try evaluator.dropLevel(ct, to: level + 1)
        let q = Double(evaluator.context.parameters.ciphertextModuli[level + 1])
        var result = try evaluator.rescale(evaluator.multiply(dropped, constant: 1, scale: scales[level] * q / dropped.scale))
        result.scale = scales[level]
        return result
    }

    private func aligned(_ a: Ciphertext, _ b: Ciphertext) throws -> (Ciphertext, Ciphertext) {
        let level = min(a.level, b.level)
        return (try lower(a, to: level), try lower(b, to: level))
    }

    private func multiply(_ a: Ciphertext, _ b: Ciphertext) throws -> Ciphertext {
        let (x, y) = try aligned(a, b)
        guard x.level > 0 else { throw HEError.levelExhausted(operation: "EvalMod multiply", level: 0) }
        var result = try evaluator.rescale(evaluator.multiplyRelinearize(x, y))
        result.scale = scales[result.level]
        return result
    }

    private func add(_ a: Ciphertext, _ b: Ciphertext) throws -> Ciphertext {
        let (x, y) = try aligned(a, b)
        return try evaluator.add(x, y)
    }

    private func subtract(_ a: Ciphertext, _ b: Ciphertext) throws -> Ciphertext {
        let (x, y) = try aligned(a, b)
        return try evaluator.subtract(x, y)
    }

    private func double(_ a: Ciphertext) throws -> Ciphertext { try evaluator.add(a, a) }

    private func add(_ a: Ciphertext, constant: Double) throws -> Ciphertext {
        try evaluator.add(a, constant: constant)
    }
}
