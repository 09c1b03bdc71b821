internal import HepexcIR

/// The training engine's draws from the shared seeded generator, so that a
/// run with the same seed initialises, shuffles and splits identically.
extension SplitMix64 {
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
