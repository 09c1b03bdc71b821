/// A small deterministic random number generator (SplitMix64), so that a run
/// with the same seed initialises, shuffles and splits identically on every
/// platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

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

    /// A uniform `Float` in `[-bound, bound)`.
    mutating func uniform(_ bound: Float) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return (unit * 2 - 1) * bound
    }

    /// A permutation of `0..<count` (Fisher–Yates).
    mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        var index = count - 1
        while index > 0 {
            let other = Int(next() % UInt64(index + 1))
            indices.swapAt(index, other)
            index -= 1
        }
        return indices
    }
}
