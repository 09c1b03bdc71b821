/// A small deterministic random number generator (SplitMix64): equal seeds
/// give equal sequences on every platform. Used wherever a run must
/// reproduce exactly — weight initialisation, shuffling, random pruning,
/// test data. Not for anything secret (keys use the runtime's CSPRNG).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    /// - Parameter seed: any value; equal seeds give equal sequences.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform `Double` in [0, 1) from the top 53 bits.
    public mutating func nextUnitDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
