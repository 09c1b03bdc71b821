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
