/// Metrics of one epoch.
public struct EpochReport: Sendable, Codable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The rate used in this epoch.
    public var learningRate: Double
    /// Mean training loss over the epoch's batches (weighted by batch size).
    public var loss: Double
    /// Training accuracy of the batches as they were trained (classification).
    public var accuracy: Double?
    /// Loss on the validation set (inference mode), when there is one.
    public var validationLoss: Double?
    /// Accuracy on the validation set (classification).
    public var validationAccuracy: Double?
    /// Wall time of the epoch's training batches (validation excluded).
    public var seconds: Double
    /// Examples trained on in this epoch (the kept subset under data pruning).
    public var samples: Int? = nil
    /// The data-pruning selection made just before this epoch, if any.
    public var selection: DataSelectionRound? = nil

    enum CodingKeys: String, CodingKey {
        case epoch, loss, accuracy, seconds, samples, selection
        case learningRate = "learning_rate"
        case validationLoss = "validation_loss"
        case validationAccuracy = "validation_accuracy"
    }
}

/// Progress reported while training.
public enum TrainingEvent: Sendable {
    /// After each batch: running means over the epoch so far.
    case batch(epoch: Int, batch: Int, batches: Int, loss: Double, accuracy: Double?, elapsed: Double)
    /// After each epoch (validation included).
    case epoch(EpochReport)
}

/// The result of ``Trainer/train(on:validation:progress:)``.
public struct TrainingSummary: Sendable, Codable, Equatable {
    /// `cross-entropy` or `mse`.
    public var loss: String
    /// `sgd` or `adam`.
    public var optimizer: String
    /// Examples trained on per epoch.
    public var trainingSamples: Int
    /// Examples in the validation set (0 without one).
    public var validationSamples: Int
    /// Scalars the optimiser updates.
    public var trainableParameters: Int
    /// One report per epoch.
    public var epochs: [EpochReport]
    /// Total wall time of the training batches.
    public var seconds: Double
    /// What dynamic data pruning did (nil without it).
    public var dataPruning: DataPruningReport? = nil

    enum CodingKeys: String, CodingKey {
        case loss, optimizer, epochs, seconds
        case dataPruning = "data_pruning"
        case trainingSamples = "training_samples"
        case validationSamples = "validation_samples"
        case trainableParameters = "trainable_parameters"
    }
}
