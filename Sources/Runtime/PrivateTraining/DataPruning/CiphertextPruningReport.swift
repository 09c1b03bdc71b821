public import HepexcPlan

/// What one ciphertext-wise pruning round did, for the training report.
public struct CiphertextPruningReport: Sendable, Equatable {
    /// Row blocks × (feature column blocks + 1) before and after.
    public let ciphertextsBefore: Int
    public let ciphertextsAfter: Int
    /// Row blocks before and after (after = ⌈kept/s0⌉).
    public let rowBlocksBefore: Int
    public let rowBlocksAfter: Int
    public let keptSamples: Int
    /// (source, shift) groups, and those with shift ≠ 0.
    public let groups: Int
    public let rotatedGroups: Int
    /// Samples that changed row block.
    public let movedRows: Int
    /// Homomorphic operations (rotations, ct×mask multiplies, additions, and
    /// the level alignments of additions as constant multiplies).
    public let counts: OpCounts
    public let keyStrategy: PruningRotationKeys
    /// The Galois steps the strategy needs, and how many the training layout
    /// does not already have.
    public let keySteps: [Int]
    public let additionalKeys: Int
    /// Level of the merged ciphertexts that were rebuilt (untouched full
    /// blocks keep theirs).
    public let mergedLevel: Int?
}
