public import HepexcData
public import HepexcIR

extension Trainer {
    /// Trains `graph` on `data` and returns the trained graph: the one-call
    /// form for passes that retrain with fixed masks (HE-PEx's retrain step).
    ///
    /// The loss reads the graph's logits for class labels (a trailing
    /// softmax/argmax is skipped) and its first output otherwise.
    /// - Parameters:
    ///   - graph: the model; weights carrying a `mask` keep masked entries at 0.
    ///   - data: the training set.
    ///   - validation: evaluated after every epoch when given.
    ///   - options: hyper-parameters.
    ///   - initialize: re-initialise the weights first (train from scratch).
    ///   - progress: called after every batch and epoch.
    /// - Returns: the trained graph (batch norm not folded) and the summary.
    /// - Throws: ``TrainingError``.
    public static func train(_ graph: Graph, on data: Dataset, validation: Dataset? = nil,
                             options: TrainingOptions, initialize: Bool = false,
                             progress: (TrainingEvent) -> Void = { _ in }) throws(TrainingError) -> (graph: Graph, summary: TrainingSummary) {
        let usesLabels = (options.loss ?? (data.labels != nil ? .crossEntropy : .meanSquaredError)) == .crossEntropy
        let network = try Network(graph, options: .init(initialize: initialize, output: usesLabels ? graph.logitsValue : nil,
                                                         seed: options.seed))
        let trainer = try Trainer(network: network, options: options)
        let summary = try trainer.train(on: data, validation: validation, progress: progress)
        return (network.exportedGraph(), summary)
    }
}
