/// Which softmax a plaintext run uses.
public enum ReferenceSoftmax: Sendable {
    /// The exact softmax (the accuracy yardstick).
    case exact
    /// The server's polynomial, evaluated in floating point.
    case approximate(SoftmaxApproximation)
}

/// Plaintext training with the encrypted run's batches, initialisation,
/// update rule and schedule: the client-side reference.
public struct ReferenceTrainer: Sendable {
    public let layout: HETALLayout
    public let hyperparameters: TrainingHyperparameters
    public let softmax: ReferenceSoftmax

    public init(layout: HETALLayout, hyperparameters: TrainingHyperparameters, softmax: ReferenceSoftmax) {
        self.layout = layout
        self.hyperparameters = hyperparameters
        self.softmax = softmax
    }

    /// Trains from zero weights; `onEpoch` sees the head after every epoch.
    public func train(_ problem: TrainingProblem, onEpoch: (Int, HeadModel) -> Void = { _, _ in }) -> HeadModel {
        var head = HeadModel.zero(layout)
        var velocity = head.matrix  // −lr·v, as the server keeps it
        let batches = problem.batches(of: hyperparameters.batchSize)
        let steps = hyperparameters.epochs * batches.count
        let mu = hyperparameters.momentum
        var previousRate = hyperparameters.learningRate(step: 0, of: steps)
        var step = 0
        for epoch in 0..<hyperparameters.epochs {
            for batch in batches {
                let rate = hyperparameters.learningRate(step: step, of: steps)
                let lambda = rate / Double(batch.count)
                var update = Array(repeating: Array(repeating: 0.0, count: layout.columnCount), count: layout.paddedClasses)
                for i in batch {
                    let x = layout.augmented(problem.features[i])
                    let z = head.logits(problem.features[i])
                    let p: [Double]
                    switch softmax {
                    case .exact: p = SoftmaxApproximation.exact(z)
                    case .approximate(let approximation): p = approximation.probabilities(z)
                    }
                    for j in 0..<layout.classCount {
                        let d = -lambda * (p[j] - (problem.labels[i] == j ? 1 : 0))
                        for k in 0..<layout.columnCount { update[j][k] += d * x[k] }
                    }
                }
                let carry = mu * rate / previousRate
                for j in 0..<layout.paddedClasses {
                    for k in 0..<layout.columnCount {
                        velocity[j][k] = carry * velocity[j][k] + update[j][k]
                        head.matrix[j][k] += update[j][k] + mu * velocity[j][k]
                    }
                }
                previousRate = rate
                step += 1
            }
            onEpoch(epoch, head)
        }
        return head
    }
}
