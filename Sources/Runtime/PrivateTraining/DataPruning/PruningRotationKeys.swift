/// Which Galois keys ciphertext-wise pruning rotates with. Shifts are whole
/// rows: δ·s1 slots for δ in 1..<s0, and the mask is public only after the
/// keys exist, so the client must generate keys for every possible δ.
///
/// - `direct`: one key per shift, s0 − 1 keys (HEPrune's `cwp.cpp`: 127 at
///   s0 = 128); one rotation per (source, shift) group.
/// - `composed`: the log₂s0 keys 2ʲ·s1, a shift δ costs popcount(δ)
///   rotations. `HETALLayout.rotationSteps` already holds every one of them
///   (DiagABT's t·s1 for t < c and DiagATB's strides c·s1·2ʲ), so this adds
///   **no** keys.
///
/// The default is `composed`: at N = 2¹⁵–2¹⁶ a Galois key is tens of MiB, so
/// 127 direct keys cost GiBs of key memory for an operation that runs once
/// per selection round, while composing costs on average log₂(s0)/2 times
/// more rotations in that round only. Choose `direct` when rotations matter
/// more than key memory (small rings, many merges).
public enum PruningRotationKeys: String, Sendable, Codable, CaseIterable {
    case direct
    case composed

    /// Every left-rotation step this strategy may use (the keys the client
    /// generates), ascending.
    public func steps(layout: HETALLayout) -> [Int] {
        let s0 = layout.rows, s1 = layout.columns
        switch self {
        case .direct:
            return (1..<max(s0, 1)).map { $0 * s1 }
        case .composed:
            var steps: [Int] = []
            var shift = 1
            while shift < s0 { steps.append(shift * s1); shift <<= 1 }
            return steps
        }
    }

    /// The steps the layout's training keys do not already cover.
    public func additionalSteps(layout: HETALLayout) -> [Int] {
        let existing = Set(layout.rotationSteps)
        return steps(layout: layout).filter { !existing.contains($0) }
    }

    /// The rotations (left, in slots) that shift rows by `shift`.
    public func rotations(forShift shift: Int, layout: HETALLayout) -> [Int] {
        let s0 = layout.rows, s1 = layout.columns
        let delta = ((shift % s0) + s0) % s0
        guard delta != 0 else { return [] }
        switch self {
        case .direct:
            return [delta * s1]
        case .composed:
            return (0..<Int.bitWidth).filter { delta & (1 << $0) != 0 }.map { (1 << $0) * s1 }
        }
    }
}
