/// One encrypted batch as the trainer holds it (`EncryptedTrainer.Batch`)
/// plus its sample ids, the input of ciphertext-wise pruning.
public struct PrunableBatch<Ciphertext> {
    /// `[rowBlock][columnBlock]` feature ciphertexts.
    public var features: [[Ciphertext]]
    /// One label ciphertext per row block (diagonal row layout).
    public var labels: [Ciphertext]
    /// The sample id of each packed sample: sample i of the batch sits in row
    /// block i / s0, row i mod s0.
    public var samples: [Int]

    public init(features: [[Ciphertext]], labels: [Ciphertext], samples: [Int]) {
        self.features = features
        self.labels = labels
        self.samples = samples
    }
}

/// One dense row block of the merged copy.
public struct MergedRowBlock<Ciphertext> {
    /// One ciphertext per feature column block.
    public var features: [Ciphertext]
    public var labels: Ciphertext
    /// Row r → the original sample id it holds; nil rows are all zero.
    public let rowSamples: [Int?]
    /// Samples the block holds (the trainer's `Batch.count`).
    public var count: Int { rowSamples.compactMap { $0 }.count }
}
