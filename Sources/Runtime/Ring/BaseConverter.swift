public import HepexcModArith

/// RNS base conversion from basis `A = a_0·…·a_{m−1}` to basis `B` (coefficient form).
///
/// Fast conversion (Bajard et al.; the `ModUp` of hybrid key switching):
/// `y_i = [x_i·(A/a_i)⁻¹]_{a_i}`, `out_j = Σ_i y_i·[A/a_i]_{b_j} mod b_j`, which equals
/// `x + u·A` for some `0 ≤ u < m`. Exact conversion (Halevi–Polyakov–Shoup 2019, §2.2)
/// subtracts `v·A` with `v = round(Σ_i y_i/a_i)` computed in floating point, giving the
/// centered representative of `x` exactly unless `|x|` is within `≈2^−50·A` of `A/2`.
public struct BaseConverter: Sendable {
    /// The source basis.
    public let source: [Modulus]
    /// The target basis.
    public let target: [Modulus]
    /// `[(A/a_i)⁻¹]_{a_i}`.
    @usableFromInline let hatInverse: [ShoupMultiplicand]
    /// `[A/a_i]_{b_j}`, indexed `[j][i]`.
    @usableFromInline let hatModTarget: [[UInt64]]
    /// `[A]_{b_j}`.
    @usableFromInline let productModTarget: [UInt64]
    /// `1/a_i`.
    @usableFromInline let reciprocal: [Double]

    /// - Parameters: `source`, `target` disjoint prime bases.
    public init(from source: [Modulus], to target: [Modulus]) {
        self.source = source
        self.target = target
        var hatInverse: [ShoupMultiplicand] = []
        for (i, a) in source.enumerated() {
            var hat: UInt64 = 1
            for (i2, other) in source.enumerated() where i2 != i { hat = a.mulMod(hat, a.reduce(other.value)) }
            hatInverse.append(ShoupMultiplicand(a.inverseMod(hat), modulus: a))
        }
        self.hatInverse = hatInverse
        self.hatModTarget = target.map { b in
            source.indices.map { i in
                var hat: UInt64 = 1
                for (i2, other) in source.enumerated() where i2 != i { hat = b.mulMod(hat, b.reduce(other.value)) }
                return hat
            }
        }
        self.productModTarget = target.map { b in
            source.reduce(UInt64(1)) { b.mulMod($0, b.reduce($1.value)) }
        }
        self.reciprocal = source.map { 1.0 / Double($0.value) }
    }

    /// Converts `x` given by its residues in `A` to its residues in `B`.
    /// - Parameters: `input` in basis A (coefficient form); `exact` subtract the overflow `u·A`.
    /// - Returns: a polynomial in basis B (coefficient form).
    public func convert(_ input: Poly<Coeff>, to targetContext: RingContext, exact: Bool) -> Poly<Coeff> {
        precondition(input.context.moduli == source && targetContext.moduli == target)
        var output = Poly<Coeff>(zeroIn: targetContext)
        let n = input.degree
        input.data.withUnsafeBufferPointer { inBuffer in
            output.data.withUnsafeMutableBufferPointer { outBuffer in
                convertKernel(input: inBuffer.baseAddress!, output: outBuffer.baseAddress!, degree: n,
                              exact: exact, parallelism: targetContext.parallelism)
            }
        }
        return output
    }
}
