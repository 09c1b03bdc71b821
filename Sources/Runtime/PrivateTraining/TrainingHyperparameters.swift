internal import Foundation

/// How the learning rate changes over the steps of a run.
public enum LearningRateSchedule: String, Sendable, Codable, CaseIterable {
    /// The same rate every step.
    case constant
    /// lr·½(1 + cos(π·step/steps)).
    case cosine
    /// lr·(1 − step/steps), never below lr/100.
    case linear
}

/// Mini-batch SGD with Nesterov momentum (PyTorch's convention:
/// v ← μ·v + g, w ← w − lr·(g + μ·v)) and a learning-rate schedule.
public struct TrainingHyperparameters: Sendable, Codable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var momentum: Double
    public var schedule: LearningRateSchedule

    public init(epochs: Int = 7, batchSize: Int = 128, learningRate: Double = 1, momentum: Double = 0.9,
                schedule: LearningRateSchedule = .cosine) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.momentum = momentum
        self.schedule = schedule
    }

    /// - Throws: `PrivateTrainingError.invalidHyperparameter`.
    public func validate() throws(PrivateTrainingError) {
        if epochs < 1 { throw PrivateTrainingError.invalidHyperparameter(name: "epochs", value: Double(epochs)) }
        if batchSize < 1 { throw PrivateTrainingError.invalidHyperparameter(name: "batch", value: Double(batchSize)) }
        if !(learningRate > 0 && learningRate.isFinite) {
            throw PrivateTrainingError.invalidHyperparameter(name: "learning-rate", value: learningRate)
        }
        if !(momentum >= 0 && momentum < 1) { throw PrivateTrainingError.invalidHyperparameter(name: "momentum", value: momentum) }
    }

    /// The learning rate of step `step` of `steps`.
    public func learningRate(step: Int, of steps: Int) -> Double {
        let progress = Double(step) / Double(max(steps, 1))
        switch schedule {
        case .constant: return learningRate
        case .cosine: return learningRate * 0.5 * (1 + cos(Double.pi * progress))
        case .linear: return learningRate * max(1 - progress, 0.01)
        }
    }
}

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
            guard row.count == width else { throw PrivateTrainingError.lengthMismatch(features: row.count, labels: width) }
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
