public import HepexcData
import HepexcIR

/// Trains a ``Network`` on a data set with mini-batches: forward, loss,
/// backward, optimiser step (masks re-applied), per-epoch validation.
///
/// Deterministic for a given seed: the shuffling order comes from
/// ``SplitMix64`` and every reduction runs in a fixed order (BLAS
/// results are reproducible for a fixed thread count).
public final class Trainer {
    /// The network being trained (its parameters change as training runs).
    public let network: Network
    /// The hyper-parameters.
    public let options: TrainingOptions
    private let optimizer: Optimizer
    private var generator: SplitMix64

    /// - Throws: ``TrainingError/invalidOption(_:)`` for bad hyper-parameters.
    public init(network: Network, options: TrainingOptions) throws(TrainingError) {
        try options.validate()
        self.network = network
        self.options = options
        self.optimizer = Optimizer(kind: options.optimizer, momentum: options.momentum, weightDecay: options.weightDecay)
        self.generator = SplitMix64(seed: options.seed &+ 0x5EED)
    }

    /// The loss used for `dataset`: the explicit option, else cross-entropy
    /// when it has class labels and MSE otherwise.
    public func loss(for dataset: Dataset) -> Loss {
        options.loss ?? (dataset.labels != nil ? .crossEntropy : .meanSquaredError)
    }

    private var outputType: TensorType {
        network.graph.valueTypes[network.output] ?? TensorType([nil])
    }

    /// Trains for `options.epochs` epochs — on all of `data`, or, with
    /// ``TrainingOptions/dataPruning``, on a kept subset re-selected every
    /// `selectEvery` epochs (see ``DataPruningOptions``).
    /// - Parameters:
    ///   - data: the training set.
    ///   - validation: evaluated after every epoch when given.
    ///   - progress: called after every batch and epoch.
    /// - Throws: ``TrainingError`` — data that does not fit the model, a
    ///   non-finite loss (naming the epoch), and with data pruning a window
    ///   too large for the data, missing class labels, or NaN scores.
    public func train(on data: Dataset, validation: Dataset? = nil,
                      progress: (TrainingEvent) -> Void = { _ in }) throws(TrainingError) -> TrainingSummary {
        let loss = loss(for: data)
        let training = try TrainingData(data, for: network, outputType: outputType, loss: loss, role: "training")
        let checking = try validation.map { set throws(TrainingError) in
            try TrainingData(set, for: network, outputType: outputType, loss: loss, role: "validation")
        }
        var pruning = try options.dataPruning.map { pruning throws(TrainingError) in
            try startPruning(pruning, samples: training.count, loss: loss)
        }
        let clock = ContinuousClock()
        var epochs: [EpochReport] = []
        var totalSeconds = 0.0
        for epoch in 1...options.epochs {
            var subset: [Int]?
            var selection: DataSelectionRound?
            if var state = pruning {
                (subset, selection) = try prune(&state, before: epoch, data: training)
                pruning = state
            }
            let count = subset?.count ?? training.count
            let batches = (count + options.batchSize - 1) / options.batchSize
            let rate = options.schedule.rate(epoch: epoch, initial: options.learningRate)
            let shuffled = options.shuffle ? generator.permutation(count) : Array(0..<count)
            let order = subset.map { kept in shuffled.map { kept[$0] } } ?? shuffled
            var lossSum = 0.0, correct = 0, seen = 0
            let start = clock.now
            for batchIndex in 0..<batches {
                let range = (batchIndex * options.batchSize)..<min(count, (batchIndex + 1) * options.batchSize)
                let batch = training.batch(order[range])
                let output = network.forward(batch.input, mode: .training)
                let evaluation = loss.evaluate(output, labels: batch.labels, targets: batch.targets)
                guard evaluation.loss.isFinite else {
                    throw .nonFiniteLoss(epoch: epoch, batch: batchIndex + 1, learningRate: rate)
                }
                network.zeroGradients()
                network.backward(evaluation.gradient)
                optimizer.step(network.parameters, rate: rate)
                lossSum += evaluation.loss * Double(range.count)
                correct += evaluation.correct
                seen += range.count
                progress(.batch(epoch: epoch, batch: batchIndex + 1, batches: batches, loss: lossSum / Double(seen),
                                accuracy: loss == .crossEntropy ? Double(correct) / Double(seen) : nil,
                                elapsed: Trainer.seconds(clock.now - start)))
            }
            let seconds = Trainer.seconds(clock.now - start)
            totalSeconds += seconds
            var report = EpochReport(epoch: epoch, learningRate: rate, loss: lossSum / Double(max(seen, 1)),
                                     accuracy: loss == .crossEntropy ? Double(correct) / Double(max(seen, 1)) : nil,
                                     seconds: seconds)
            if subset != nil {
                report.samples = count
                report.selection = selection
            }
            if let checking {
                let result = evaluate(checking, loss: loss)
                report.validationLoss = result.loss
                report.validationAccuracy = result.accuracy
            }
            epochs.append(report)
            progress(.epoch(report))
        }
        return TrainingSummary(loss: loss.rawValue, optimizer: options.optimizer.rawValue,
                               trainingSamples: training.count, validationSamples: checking?.count ?? 0,
                               trainableParameters: network.trainableParameterCount, epochs: epochs,
                               seconds: totalSeconds, dataPruning: pruning?.report)
    }

    /// Loss and accuracy of the network (inference mode) on `dataset`.
    public func evaluate(_ dataset: Dataset) throws(TrainingError) -> (loss: Double, accuracy: Double?) {
        let loss = loss(for: dataset)
        return evaluate(try TrainingData(dataset, for: network, outputType: outputType, loss: loss, role: "evaluation"),
                        loss: loss)
    }

    func evaluate(_ data: TrainingData, loss: Loss) -> (loss: Double, accuracy: Double?) {
        var lossSum = 0.0, correct = 0
        let indices = Array(0..<data.count)
        var start = 0
        while start < data.count {
            let end = min(data.count, start + 256)
            let batch = data.batch(indices[start..<end])
            let evaluation = loss.evaluate(network.forward(batch.input, mode: .inference),
                                           labels: batch.labels, targets: batch.targets)
            lossSum += evaluation.loss * Double(end - start)
            correct += evaluation.correct
            start = end
        }
        return (lossSum / Double(data.count), loss == .crossEntropy ? Double(correct) / Double(data.count) : nil)
    }

    /// Splits `dataset` into a training and a validation part: a seeded
    /// shuffle, then the first ⌈fraction·N⌉ examples validate.
    /// - Throws: ``TrainingError/invalidOption(_:)`` for a fraction outside
    ///   [0, 1) or a split that leaves either part empty.
    public static func split(_ dataset: Dataset, validationFraction: Double,
                             seed: UInt64) throws(TrainingError) -> (training: Dataset, validation: Dataset?) {
        guard validationFraction >= 0, validationFraction < 1 else {
            throw .invalidOption("the validation fraction must be in [0, 1), got \(validationFraction)")
        }
        guard validationFraction > 0 else { return (dataset, nil) }
        let held = Int((Double(dataset.count) * validationFraction).rounded(.up))
        guard held < dataset.count else {
            throw .emptyData("a validation split of \(validationFraction) leaves no training examples out of \(dataset.count)")
        }
        var generator = SplitMix64(seed: seed &+ 0x5917)
        let order = generator.permutation(dataset.count)
        return (gather(dataset, Array(order[held...])), gather(dataset, Array(order[..<held])))
    }

    static func gather(_ dataset: Dataset, _ indices: [Int]) -> Dataset {
        func rows(_ tensor: Tensor) -> Tensor {
            let n = tensor.shape.dropFirst().reduce(1, *)
            var scalars: [Double] = []
            scalars.reserveCapacity(indices.count * n)
            for index in indices { scalars.append(contentsOf: tensor.scalars[(index * n)..<((index + 1) * n)]) }
            var shape = tensor.shape
            shape[0] = indices.count
            return Tensor(shape: shape, scalars: scalars, elementType: tensor.elementType)
        }
        return Dataset(inputs: rows(dataset.inputs), labels: dataset.labels.map { all in indices.map { all[$0] } },
                       targets: dataset.targets.map(rows), source: dataset.source)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}

extension Trainer {
    /// Limits the BLAS kernels to `count` threads (default: all cores).
    public static func setThreadCount(_ count: Int) { BLAS.setThreads(count) }
}
