/// An odd modulus `q < 2^61` together with its Barrett constants.
///
/// Every residue handled by the runtime is a `UInt64` in `[0, q)` unless a
/// function says otherwise ("lazy" results live in `[0, 2q)` or `[0, 4q)`).
/// The 61-bit cap leaves room for the Harvey NTT's `[0, 4q)` range and for
/// 128-bit accumulation of at least 64 lazy products (see `Modulus+Arithmetic`).
public struct Modulus: Sendable, Hashable, CustomStringConvertible {
    /// The largest supported bit width of a modulus.
    public static let maxBitWidth = 61

    /// The modulus `q`.
    public let value: UInt64
    /// ⌊2^128 / q⌋, high word (equal to ⌊2^64 / q⌋).
    @usableFromInline let barrettHigh: UInt64
    /// ⌊2^128 / q⌋, low word.
    @usableFromInline let barrettLow: UInt64
    /// Number of significant bits of `q`.
    public let bitWidth: Int

    /// Creates a modulus and precomputes its Barrett constants.
    /// - Parameter value: an odd integer in `[3, 2^61)`.
    /// - Precondition: `value` is odd and below `2^61` (programmer error otherwise).
    public init(_ value: UInt64) {
        precondition(value >= 3 && value & 1 == 1 && value >> Modulus.maxBitWidth == 0,
                     "Modulus must be odd and in [3, 2^61), got \(value)")
        self.value = value
        // ⌊2^64/q⌋ = ⌊(2^64−1)/q⌋ because an odd q > 1 does not divide 2^64.
        let high = UInt64.max / value
        let remainder = 0 &- high &* value  // 2^64 − high·q, < q
        self.barrettHigh = high
        self.barrettLow = value.dividingFullWidth((remainder, 0)).quotient
        self.bitWidth = UInt64.bitWidth - value.leadingZeroBitCount
    }

    public var description: String { "Modulus(\(value), \(bitWidth) bits)" }
}
