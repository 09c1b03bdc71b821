/// A labelled, already normalised feature matrix (the client's data).
public struct TrainingProblem: Sendable {
    public let features: [[Double]]
    public let labels: [Int]
    public let classCount: Int

    /// The largest sample norm the softmax domain accepts; the client
    /// normalises features to it.
    public static let featureNormLimit = 1.0

    /// Validates the data (one-line errors naming the first bad entry).
    /// - Throws: `PrivateTrainingError` for mismatched lengths, labels out
    ///   of range, non-finite features, or rows the domain cannot hold.
    public init(features: [[Double]], labels: [Int], classCount: Int) throws(PrivateTrainingError) {
        guard features.count == labels.count else {
            throw PrivateTrainingError.lengthMismatch(features: features.count, labels: labels.count)
        }
        let width = features.first?.count ?? 0
        guard !features.isEmpty, width > 0, classCount >= 2 else {
            throw PrivateTrainingError.emptyProblem(samples: features.count, features: width, classes: classCount)
        }
        for (i, label) in labels.enumerated() where label < 0 || label >= classCount {
            throw PrivateTrainingError.labelOutOfRange(index: i, label: label, classCount: classCount)
        }
        for (i, row) in features.enumerated() {
            guard row.count == width else { throw PrivateTrainingError.raggedFeatures(sample: i, width: row.count, expected: width) }
            if let j = row.firstIndex(where: { !$0.isFinite }) { throw PrivateTrainingError.nonFiniteFeature(sample: i, feature: j) }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > Self.featureNormLimit * (1 + 1e-9) {
                throw PrivateTrainingError.featureNormTooLarge(sample: i, norm: norm, limit: Self.featureNormLimit)
            }
        }
        self.features = features
        self.labels = labels
        self.classCount = classCount
    }

    public var featureCount: Int { features.first?.count ?? 0 }

    /// Columns that are zero in every sample (bias candidates).
    public var zeroColumns: Set<Int> {
        Set((0..<featureCount).filter { j in features.allSatisfy { $0[j] == 0 } })
    }

    /// The batches, in order: consecutive slices of `batchSize` samples.
    public func batches(of batchSize: Int) -> [Range<Int>] {
        stride(from: 0, to: features.count, by: batchSize).map { $0..<min($0 + batchSize, features.count) }
    }
}
