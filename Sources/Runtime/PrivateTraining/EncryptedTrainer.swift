public import HepexcExecutor
public import HepexcPlan

/// HETAL-style private training of a softmax head (research note §1): the
/// client encrypts features, one-hot labels and zero weights once; every step
/// the server computes logits by DiagABT, the polynomial softmax, the
/// gradient by DiagATB and a Nesterov update, all on ciphertexts; ciphertexts
/// that run out of levels are refreshed by the client. Client and server run
/// in one process; the `LeveledEvaluator` counts what crosses between them.
public final class EncryptedTrainer<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let evaluator: LeveledEvaluator<Base>
    public let layout: HETALLayout
    public let hyperparameters: TrainingHyperparameters
    public let approximation: SoftmaxApproximation
    let products: DiagonalMatMul<Base>
    let softmax: EncryptedSoftmax<Base>

    /// - Parameter bootstrapper: the server's bootstrap for `refresh: .bootstrap`.
    public init(backend: Base, layout: HETALLayout, hyperparameters: TrainingHyperparameters,
                approximation: SoftmaxApproximation, refresh: RefreshMode,
                bootstrapper: TrainingBootstrap<Ciphertext>? = nil) {
        evaluator = LeveledEvaluator(backend, refreshMode: refresh, bootstrapper: bootstrapper)
        self.layout = layout
        self.hyperparameters = hyperparameters
        self.approximation = approximation
        products = DiagonalMatMul(evaluator: evaluator, layout: layout)
        softmax = EncryptedSoftmax(evaluator: evaluator, layout: layout, approximation: approximation)
    }

    /// One encrypted batch as the server holds it.
    struct Batch {
        var features: [[Ciphertext]]
        var labels: [Ciphertext]
        var count: Int
    }

    /// Trains from zero weights.
    ///
    /// - Parameter onEpoch: sees every epoch's record (decrypted head,
    ///   timings, operation counts, traffic); throwing stops the run.
    /// - Returns: the decrypted head after the last epoch.
    /// - Throws: `PrivateTrainingError`, or what `onEpoch` throws.
    public func train(_ problem: TrainingProblem, onEpoch: (EncryptedEpoch) throws -> Void = { _ in }) throws -> HeadModel {
        try train(problem, pruning: nil, onEpoch: onEpoch)
    }

    /// Encrypted training, with HEPrune's dynamic data pruning when
    /// `pruning` is given (``EncryptedDataPruning``): the client encrypts the whole data set
    /// once; at every selection round the server scores all of it with the
    /// current encrypted model, the client decrypts only the packed scores
    /// and returns a keep-mask, and the server trains on a dense merged copy
    /// of the kept rows. The full encrypted set is kept for later rounds.
    ///
    /// - Parameters:
    ///   - onEpoch: every epoch's record, as ``train(_:onEpoch:)``.
    ///   - onRound: every selection round's record.
    /// - Returns: the decrypted head after the last epoch.
    /// - Throws: `PrivateTrainingError`, `DataPruningError`, or what the
    ///   callbacks throw.
    public func train(_ problem: TrainingProblem, pruning: EncryptedDataPruning?,
                      onEpoch: (EncryptedEpoch) throws -> Void = { _ in },
                      onRound: (EncryptedSelectionRound) throws -> Void = { _ in }) throws -> HeadModel {
        try hyperparameters.validate()
        let clock = ContinuousClock()
        var times = PhaseTimes()
        var start = clock.now
        let full = try encryptedBatches(problem)
        let zero = layout.packWeights(HeadModel.zero(layout).matrix)
        var weights = try zero.map { slots throws(PrivateTrainingError) in try evaluator.encrypt(slots) }
        var velocity = try zero.map { slots throws(PrivateTrainingError) in try evaluator.encrypt(slots) }
        times.encrypt = (clock.now - start).seconds

        let n = problem.features.count
        // Without pruning every epoch trains on all batches as encrypted.
        var training = full.map { Batch(features: $0.features, labels: $0.labels, count: $0.samples.count) }
        let stepsPerEpoch = pruning.map { ($0.selection.keptCount(of: n) + layout.rows - 1) / layout.rows } ?? training.count
        let steps = hyperparameters.epochs * stepsPerEpoch
        var previousRate = hyperparameters.learningRate(step: 0, of: steps)
        var step = 0
        var head = HeadModel.zero(layout)
        for epoch in 0..<hyperparameters.epochs {
            let countsBefore = evaluator.counts, trafficBefore = evaluator.ledger
            let refreshBefore = evaluator.refreshSeconds
            if let pruning, pruning.selects(before: epoch) {
                let (batches, round) = try select(epoch: epoch, full: full, weights: &weights, pruning: pruning, labels: problem.labels)
                training = batches
                try onRound(round)
            }
            var rate = previousRate
            for batch in training {
                rate = hyperparameters.learningRate(step: min(step, steps - 1), of: steps)
                try self.step(batch, weights: &weights, velocity: &velocity, rate: rate,
                              carry: hyperparameters.momentum * rate / previousRate, times: &times)
                previousRate = rate
                step += 1
            }
            start = clock.now
            let blocks = try weights.map { ct throws(PrivateTrainingError) in try evaluator.decrypt(ct) }
            head = HeadModel(layout: layout, matrix: layout.unpackWeights(blocks))
            times.decrypt += (clock.now - start).seconds
            try checkBootstrapBound(blocks)
            times.refresh = evaluator.refreshSeconds - refreshBefore
            try onEpoch(EncryptedEpoch(epoch: epoch, head: head, times: times, counts: evaluator.counts - countsBefore,
                                       traffic: evaluator.ledger - trafficBefore, steps: training.count, learningRate: rate))
            times = PhaseTimes()
        }
        return head
    }

    /// The client's one-time encryption of the data set, batch by batch,
    /// with each batch's sample ids.
    func encryptedBatches(_ problem: TrainingProblem) throws(PrivateTrainingError) -> [PrunableBatch<Ciphertext>] {
        try problem.batches(of: hyperparameters.batchSize).map { range throws(PrivateTrainingError) in
            let features = try layout.packFeatures(Array(problem.features[range])).map { row throws(PrivateTrainingError) in
                try row.map { slots throws(PrivateTrainingError) in try evaluator.encrypt(slots) }
            }
            let labels = try layout.packLabels(Array(problem.labels[range])).map { slots throws(PrivateTrainingError) in
                try evaluator.encrypt(slots)
            }
            return PrunableBatch(features: features, labels: labels, samples: Array(range))
        }
    }

    /// One training step on one batch; refresh time is booked to `refresh`.
    func step(_ batch: Batch, weights: inout [Ciphertext], velocity: inout [Ciphertext], rate: Double, carry: Double,
              times: inout PhaseTimes) throws(PrivateTrainingError) {
        let clock = ContinuousClock()
        func timed<T>(_ phase: WritableKeyPath<PhaseTimes, Double>,
                      _ body: () throws(PrivateTrainingError) -> T) throws(PrivateTrainingError) -> T {
            let start = clock.now, refreshed = evaluator.refreshSeconds
            let result = try body()
            times[keyPath: phase] += (clock.now - start).seconds - (evaluator.refreshSeconds - refreshed)
            return result
        }
        let scale = approximation.inputScale
        let logits = try timed(\.forward) { () throws(PrivateTrainingError) in
            let ready = try weights.map { w throws(PrivateTrainingError) in try evaluator.ensure(w, levels: 2, for: "DiagABT") }
            return try products.logits(features: batch.features, weights: ready, scale: scale, negatedMeanScale: scale)
        }
        let stepSize = rate / Double(batch.count)
        let columns = try timed(\.softmax) { () throws(PrivateTrainingError) in
            try batch.labels.indices.map { a throws(PrivateTrainingError) in
                try softmax.gradientColumns(logits: logits.logits[a], negatedMean: logits.negatedMeans[a],
                                            labels: batch.labels[a], stepSize: stepSize)
            }
        }
        let gradient = try timed(\.backward) { () throws(PrivateTrainingError) in
            try products.gradient(columns: columns, features: batch.features)
        }
        try timed(\.update) { () throws(PrivateTrainingError) in
            for b in weights.indices {
                let kept = try evaluator.multiply(velocity[b], constant: carry)
                velocity[b] = try evaluator.ensure(evaluator.add(kept, gradient[b]), levels: 1, for: "momentum")
                let look = try evaluator.multiply(velocity[b], constant: hyperparameters.momentum)
                weights[b] = try evaluator.add(evaluator.add(weights[b], gradient[b]), look)
            }
        }
    }
}

extension EncryptedTrainer {
    /// The client's check after every epoch with `RefreshMode.bootstrap`:
    /// the decrypted weight blocks stay within half the bootstrap bound B
    /// (margin for the velocity and the next epoch), or training stops with
    /// an error instead of bootstrapping values CKKS would wrap into garbage.
    func checkBootstrapBound(_ blocks: [[Double]]) throws(PrivateTrainingError) {
        guard let bootstrapper = evaluator.bootstrapper else { return }
        let largest = blocks.reduce(0.0) { m, block in block.reduce(m) { Swift.max($0, abs($1)) } }
        guard largest.isFinite, largest <= bootstrapper.bound / 2 else {
            throw PrivateTrainingError.bootstrapBoundExceeded(operation: "the decrypted weights (checked against B/2)",
                                                              value: largest, bound: bootstrapper.bound)
        }
    }
}

extension OpCounts {
    /// The operations between two snapshots of a counter.
    public static func - (a: OpCounts, b: OpCounts) -> OpCounts { a + b * -1 }
}
