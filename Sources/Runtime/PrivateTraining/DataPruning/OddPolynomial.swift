public import HepexcExecutor

/// An odd polynomial p(x) = Σᵢ a₂ᵢ₊₁·x²ⁱ⁺¹, evaluated in plaintext (Horner in
/// x²) or on a ciphertext at the optimal depth ⌈log₂(degree + 1)⌉.
///
/// Encrypted scheme (a baby-step/giant-step split without Paterson–Stockmeyer's
/// extra level): the terms are cut into chunks Lⱼ(x) = a₄ⱼ₊₁·x + a₄ⱼ₊₃·x³,
/// each at depth 2 as (a₄ⱼ₊₁·x) + (a₄ⱼ₊₃·x)·x², so every coefficient rides on
/// a product the chunk needs anyway; the chunks are combined by a binary tree
/// T = T_low + x^(4·2ᵏ)·T_high with the powers x⁴, x⁸, … from repeated squaring.
/// Degree 7: depth 3, 5 ct×ct; degree 15: depth 4, 10 ct×ct (plus the
/// ct×constant products and the level alignments `LeveledEvaluator.add` makes).
public struct OddPolynomial: Sendable, Equatable {
    /// a₁, a₃, a₅, … (the coefficient of x^(2i+1) at index i).
    public let oddCoefficients: [Double]

    public init(oddCoefficients: [Double]) { self.oddCoefficients = oddCoefficients }

    /// 2·(count) − 1.
    public var degree: Int { max(2 * oddCoefficients.count - 1, 1) }

    /// Multiplicative depth of `evaluate(_:evaluator:)`: ⌈log₂(degree + 1)⌉.
    public var depth: Int {
        var depth = 1
        while (1 << depth) < degree + 1 { depth += 1 }
        return depth
    }

    /// p(x) in double precision.
    public func callAsFunction(_ x: Double) -> Double {
        let y = x * x
        var sum = 0.0
        for a in oddCoefficients.reversed() { sum = sum * y + a }
        return sum * x
    }

    /// p(x) on a ciphertext, `depth` levels below the level of `x`.
    ///
    /// - Throws: `PrivateTrainingError` from the evaluator (e.g. out of levels).
    public func evaluate<Base: HEBackend>(_ x: Base.Ciphertext,
                                          evaluator: LeveledEvaluator<Base>) throws(PrivateTrainingError) -> Base.Ciphertext {
        let chunkCount = (oddCoefficients.count + 1) / 2
        guard chunkCount > 0 else { return try evaluator.multiply(x, constant: 0) }
        let square = try evaluator.square(x)
        var chunks: [Base.Ciphertext?] = []
        for j in 0..<chunkCount {
            let a = oddCoefficients[2 * j]
            let b = 2 * j + 1 < oddCoefficients.count ? oddCoefficients[2 * j + 1] : 0
            var chunk: Base.Ciphertext? = a == 0 ? nil : try evaluator.multiply(x, constant: a)
            if b != 0 {
                let cubic = try evaluator.multiply(evaluator.multiply(x, constant: b), square)
                chunk = try chunk.map { c throws(PrivateTrainingError) in try evaluator.add(c, cubic) } ?? cubic
            }
            chunks.append(chunk)
        }
        // giantPowers[k] = x^(4·2^k)
        var giantPowers: [Base.Ciphertext] = []
        var width = 1
        if chunkCount > 1 { giantPowers.append(try evaluator.square(square)) }
        while 2 * width < chunkCount, let last = giantPowers.last {
            giantPowers.append(try evaluator.square(last))
            width *= 2
        }
        guard let result = try Self.combine(chunks[...], giantPowers: giantPowers, evaluator: evaluator) else {
            return try evaluator.multiply(x, constant: 0)
        }
        return result
    }

    /// T(chunks) = T(low half) + x^(4·half)·T(high half); nil for all-zero.
    static func combine<Base: HEBackend>(_ chunks: ArraySlice<Base.Ciphertext?>, giantPowers: [Base.Ciphertext],
                                         evaluator: LeveledEvaluator<Base>) throws(PrivateTrainingError) -> Base.Ciphertext? {
        guard chunks.count > 1 else { return chunks.first ?? nil }
        var half = 1, k = 0
        while 2 * half < chunks.count { half *= 2; k += 1 }
        let split = chunks.startIndex + half
        let low = try combine(chunks[..<split], giantPowers: giantPowers, evaluator: evaluator)
        guard let high = try combine(chunks[split...], giantPowers: giantPowers, evaluator: evaluator) else { return low }
        guard k < giantPowers.count else { throw PrivateTrainingError.backend("internal: missing power x^\(4 << k)") }
        let shifted = try evaluator.multiply(giantPowers[k], high)
        return try low.map { l throws(PrivateTrainingError) in try evaluator.add(l, shifted) } ?? shifted
    }
}
