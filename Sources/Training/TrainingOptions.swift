/// Hyper-parameters of a training run.
public struct TrainingOptions: Sendable {
    /// Passes over the training set (≥ 1).
    public var epochs: Int
    /// Examples per mini-batch (the last batch may be smaller).
    public var batchSize: Int
    /// SGD with momentum or Adam.
    public var optimizer: OptimizerKind
    /// The initial learning rate (default 0.001 for Adam, 0.01 for SGD).
    public var learningRate: Double
    /// SGD momentum μ (ignored by Adam).
    public var momentum: Double
    /// L2 weight decay λ on dense and conv weights.
    public var weightDecay: Double
    /// How the rate changes per epoch.
    public var schedule: LearningRateSchedule
    /// Seed for initialisation, shuffling and the validation split.
    public var seed: UInt64
    /// The objective; `nil` picks cross-entropy for class labels, MSE otherwise.
    public var loss: Loss?
    /// Shuffle the training examples every epoch.
    public var shuffle: Bool
    /// Dynamic data pruning (train on a re-selected kept subset); `nil`
    /// trains every epoch on all examples.
    public var dataPruning: DataPruningOptions?

    /// Options; `learningRate` `nil` picks the optimiser's default.
    public init(epochs: Int = 5, batchSize: Int = 64, optimizer: OptimizerKind = .adam, learningRate: Double? = nil,
                momentum: Double = 0.9, weightDecay: Double = 0, schedule: LearningRateSchedule = .constant,
                seed: UInt64 = 0, loss: Loss? = nil, shuffle: Bool = true,
                dataPruning: DataPruningOptions? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate ?? (optimizer == .adam ? 1e-3 : 1e-2)
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.seed = seed
        self.loss = loss
        self.shuffle = shuffle
        self.dataPruning = dataPruning
    }

    /// - Throws: ``TrainingError/invalidOption(_:)`` for an out-of-range value.
    public func validate() throws(TrainingError) {
        guard epochs >= 1 else { throw .invalidOption("epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw .invalidOption("the batch size must be at least 1, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidOption("the learning rate must be a positive number, got \(learningRate)")
        }
        guard (0..<1).contains(momentum) else { throw .invalidOption("momentum must be in [0, 1), got \(momentum)") }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw .invalidOption("weight decay must be ≥ 0, got \(weightDecay)")
        }
        switch schedule {
        case .constant: break
        case let .step(every, gamma):
            guard every >= 1, gamma > 0 else { throw .invalidOption("a step schedule needs every ≥ 1 and gamma > 0") }
        case let .exponential(gamma):
            guard gamma > 0 else { throw .invalidOption("an exponential schedule needs gamma > 0") }
        }
    }
}
