internal import HepexcIR

extension Trainer {
    /// Dynamic data pruning's state during one ``train(on:validation:progress:)`` run.
    struct PruningState {
        let options: DataPruningOptions
        /// Ranks uniform random scores: the first round's random subset.
        let randomSelector: KeepMaskSelector
        /// Draws the random scores (separate from the shuffling generator).
        var generator: SplitMix64
        /// The current kept subset (ascending sample indices) and its mask.
        var subset: [Int] = []
        var mask: [Bool] = []
        var report: DataPruningReport
    }

    /// Checks that pruning applies to this run before any epoch is trained.
    /// - Throws: ``TrainingError/invalidOption(_:)`` without class labels,
    ///   ``TrainingError/windowTooLarge(window:skipped:kept:samples:)``.
    func startPruning(_ options: DataPruningOptions, samples: Int, loss: Loss) throws(TrainingError) -> PruningState {
        guard loss == .crossEntropy else {
            throw .invalidOption("data pruning scores class probabilities, so it needs class labels and the cross-entropy loss")
        }
        _ = try options.selector.keptRanks(of: samples)
        let randomSelector = try KeepMaskSelector(keptFraction: options.keptFraction)
        let report = DataPruningReport(keptFraction: options.keptFraction, window: options.window,
                                       selectEvery: options.selectEvery, score: options.score.rawValue, rounds: [],
                                       samplesProcessed: 0, fullDataSamples: 0, samplesScored: 0, selectionSeconds: 0)
        return PruningState(options: options, randomSelector: randomSelector,
                            generator: SplitMix64(seed: self.options.seed &+ 0xDA7A), report: report)
    }

    /// The samples to train on in `epoch`: a new selection when one is due
    /// (random before epoch 1, scored by the current model later), else the
    /// previous subset.
    /// - Returns: the subset (ascending indices into `data`) and the round
    ///   when a selection was made.
    /// - Throws: ``TrainingError`` from scoring (NaN scores, out-of-range
    ///   polynomial input) or selection.
    func prune(_ state: inout PruningState, before epoch: Int,
               data: TrainingData) throws(TrainingError) -> (subset: [Int], round: DataSelectionRound?) {
        var round: DataSelectionRound?
        if state.options.selects(before: epoch) {
            let kind: DataScore = epoch == 1 ? .random : state.options.score
            let clock = ContinuousClock()
            let start = clock.now
            let scores: [Double]
            if kind == .random {
                scores = DataScore.random(count: data.count, generator: &state.generator)
            } else {
                let (probabilities, classes) = classProbabilities(data)
                scores = try kind.scores(probabilities: probabilities, classes: classes, labels: data.labels ?? [],
                                         generator: &state.generator)
                state.report.samplesScored += data.count
            }
            let scored = clock.now
            let selector = kind == .random ? state.randomSelector : state.options.selector
            let mask = try selector.mask(scores: scores)
            let selected = clock.now
            let retained = state.mask.isEmpty ? nil : zip(mask, state.mask).reduce(0) { $0 + ($1.0 && $1.1 ? 1 : 0) }
            state.mask = mask
            state.subset = KeepMaskSelector.indices(of: mask)
            let selection = DataSelectionRound(epoch: epoch, score: kind.rawValue, candidates: data.count,
                                               kept: state.subset.count, retained: retained,
                                               scoringSeconds: Trainer.seconds(scored - start),
                                               selectionSeconds: Trainer.seconds(selected - scored))
            state.report.rounds.append(selection)
            state.report.selectionSeconds += Trainer.seconds(selected - start)
            round = selection
        }
        state.report.samplesProcessed += state.subset.count
        state.report.fullDataSamples += data.count
        return (state.subset, round)
    }

    /// The network's class probabilities (inference mode, softmax of the
    /// logits in double precision) for every example of `data`, row-major.
    func classProbabilities(_ data: TrainingData) -> (probabilities: [Double], classes: Int) {
        var probabilities: [Double] = []
        var classes = 0
        let indices = Array(0..<data.count)
        var start = 0
        while start < data.count {
            let end = min(data.count, start + 256)
            let logits = network.forward(data.batch(indices[start..<end]).input, mode: .inference)
            classes = logits.itemCount
            probabilities.reserveCapacity(data.count * classes)
            let values = logits.values.map(Double.init)
            for row in 0..<(end - start) {
                probabilities.append(contentsOf: DataScore.softmax(values[(row * classes)..<((row + 1) * classes)]))
            }
            start = end
        }
        return (probabilities, classes)
    }
}
