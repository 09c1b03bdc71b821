/// A constant `w ∈ [0, q)` with its Shoup quotient `w' = ⌊w·2^64/q⌋`.
///
/// Multiplying any 64-bit `x` by `w` then costs one high and two low 64-bit
/// multiplies (Shoup; Harvey, "Faster arithmetic for number-theoretic
/// transforms", 2014, §2): `x·w − ⌊x·w'/2^64⌋·q ∈ [0, 2q)`.
/// Used for NTT twiddles and every precomputed constant.
public struct ShoupMultiplicand: Sendable, Hashable {
    /// The constant `w`, in `[0, q)`.
    public let value: UInt64
    /// `⌊w·2^64/q⌋`.
    public let quotient: UInt64

    /// - Parameters: `value` in `[0, q)`; `modulus` the modulus `q`.
    public init(_ value: UInt64, modulus: Modulus) {
        precondition(value < modulus.value, "Shoup constant must be reduced")
        self.value = value
        self.quotient = modulus.value.dividingFullWidth((value, 0)).quotient
    }

    /// `x·w mod q`, lazily reduced.
    /// - Parameters: `x` any 64-bit value; `q` the modulus this constant was made for.
    /// - Returns: a value in `[0, 2q)` congruent to `x·w`.
    @inlinable @inline(__always)
    public func multiplyLazy(_ x: UInt64, modulus q: UInt64) -> UInt64 {
        let estimate = x.multipliedFullWidth(by: quotient).high
        return x &* value &- estimate &* q
    }

    /// `x·w mod q`.
    /// - Parameters: `x` any 64-bit value. - Returns: a value in `[0, q)`.
    @inlinable @inline(__always)
    public func multiply(_ x: UInt64, modulus q: UInt64) -> UInt64 {
        let r = multiplyLazy(x, modulus: q)
        return r >= q ? r &- q : r
    }
}
