public import HepexcData
public import HepexcIR
internal import HepexcPasses
public import HepexcPlan
internal import HepexcTraining
internal import Dispatch
internal import Foundation

/// Runs a HE-PEx scheme (``PruningScheme``) on a graph: its passes, then
/// retraining with the masks fixed (`Trainer.train`) on a training split,
/// measuring the validation metric (accuracy for class labels, MSE
/// otherwise) and the tile statistics after every step.
public enum PruningRunner {
    /// What to run and how to retrain.
    public struct Options: Sendable {
        public var scheme: PruningScheme
        /// Fraction of weights (P2T: tiles) pruned, in [0, 1].
        public var ratio: Double
        public var t1: Int
        public var t2: Int
        /// The first dense layer's form, `nil` for the compiler's choice.
        public var firstForm: FCForm?
        /// Whether the compiler may use Type-D layers (`compile --no-diagonal`
        /// sets false): the passes cut each layer the way the compiler packs it.
        public var diagonal = true
        /// `prune-pack`'s threshold (P4, P4E).
        public var packThreshold: Double
        /// P4, P4E: `permute` also optimises for `packThreshold`
        /// (``PruningScheme/steps(ratio:t1:t2:firstForm:packThreshold:packAware:)``).
        public var packAwarePermutation = true
        /// Gradual pruning: the scheme's passes and the retraining run this
        /// many times, round i at density (1 − ratio)^(i/rounds), so the
        /// last round reaches `ratio`. Every round retrains `epochs` epochs.
        public var rounds = 1
        /// Multiply the learning rate by this after every retraining epoch
        /// (`nil`: constant).
        public var learningRateDecay: Double?
        /// Prune by one ranking over all layers (`scope=global`) instead of
        /// every layer by the ratio.
        public var globalScope = false
        /// The output layer's (the last prunable layer's) first pruning step
        /// prunes at most this fraction (`nil`: `ratio` like every layer): it
        /// holds few tiles, and emptying it leaves a constant output.
        public var outputRatio: Double?
        /// Retraining epochs (≥ 1).
        public var epochs: Int
        public var batchSize: Int
        /// `nil`: Adam's default (0.001).
        public var learningRate: Double?
        /// Seed of the retraining's shuffling.
        public var seed: UInt64
        /// Interpreter threads for the validation metric (default: all cores).
        public var threads: Int?
        /// Keep polynomial activation coefficients fixed while retraining, so
        /// the plan's depth does not change (default).
        public var freezePolynomials: Bool

        /// Options; see the properties.
        public init(scheme: PruningScheme, ratio: Double, t1: Int = 16, t2: Int = 16, firstForm: FCForm? = nil,
                    packThreshold: Double = 0.0625, epochs: Int = 2, batchSize: Int = 64, learningRate: Double? = nil,
                    seed: UInt64 = 0, threads: Int? = nil, freezePolynomials: Bool = true) {
            self.scheme = scheme
            self.ratio = ratio
            self.t1 = t1
            self.t2 = t2
            self.firstForm = firstForm
            self.packThreshold = packThreshold
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.seed = seed
            self.threads = threads
            self.freezePolynomials = freezePolynomials
        }
    }

    /// Splits `dataset` into training and validation parts (seeded shuffle;
    /// the first ⌈fraction·N⌉ shuffled examples validate).
    /// - Throws: ``DriverError/dataMismatch(_:)`` for a fraction outside
    ///   (0, 1) or a split that leaves a part empty.
    public static func split(_ dataset: Dataset, validationFraction: Double,
                             seed: UInt64 = 0) throws(DriverError) -> (training: Dataset, validation: Dataset) {
        guard validationFraction > 0, validationFraction < 1 else {
            throw .dataMismatch("the validation fraction must be in (0, 1), got \(validationFraction)")
        }
        do {
            let (training, validation) = try Trainer.split(dataset, validationFraction: validationFraction, seed: seed)
            guard let validation else { throw DriverError.dataMismatch("the validation split is empty") }
            return (training, validation)
        } catch {
            throw DriverError(error)
        }
    }

    /// Runs the scheme on `graph` (batch norm already folded).
    /// - Parameters:
    ///   - training: the retraining set.
    ///   - validation: the set the metric is measured on.
    ///   - progress: called with one line per finished step.
    /// - Returns: the pruned, retrained graph and the report.
    /// - Throws: ``DriverError`` — a pass, training or evaluation failure.
    public static func run(_ graph: Graph, training: Dataset, validation: Dataset, options: Options,
                           progress: (String) -> Void = { _ in }) throws(DriverError) -> (graph: Graph, report: PruningReport) {
        let result = try run(graph, training: training, validation: validation, options: options, baseline: nil, progress: progress)
        let emptied = result.report.emptiedLayers
        guard emptied.isEmpty else {
            throw .execution("scheme \(options.scheme.rawValue) at ratio \(options.ratio) removed every tile of "
                             + emptied.map { "%" + $0 }.joined(separator: ", ")
                             + " (its output no longer depends on the input; \(result.report.metric) \(result.report.final)); no plan written: lower --prune-ratio, cap the output layer with --output-ratio, or search with --max-accuracy-drop")
        }
        return result
    }

    static func run(_ graph: Graph, training: Dataset, validation: Dataset, options: Options, baseline known: Double?,
                    progress: (String) -> Void) throws(DriverError) -> (graph: Graph, report: PruningReport) {
        let metricName = validation.labels != nil ? "accuracy" : "mse"
        let baseline: Double
        if let known { baseline = known } else { baseline = try metric(graph, on: validation, threads: options.threads) }
        let initial = try statistics(graph, options)
        var current = graph
        var steps: [PruningReport.Step] = []
        var before = baseline
        var permutation: (before: TileStatistics, after: TileStatistics)?
        let rounds = max(options.rounds, 1)
        var value = baseline
        var final = initial
        for round in 1...rounds {
            let ratio = round == rounds ? options.ratio : Self.roundRatio(options.ratio, round: round, of: rounds)
            let tag = rounds == 1 ? "" : " (round \(round)/\(rounds))"
            let output = try statistics(current, options).layers.last?.name
            let schedule = options.outputRatio.flatMap { cap in output.map { "\($0):\(min(cap, ratio))" } }
            for step in options.scheme.steps(ratio: ratio, t1: options.t1, t2: options.t2,
                                             firstForm: options.firstForm, diagonal: options.diagonal, packThreshold: options.packThreshold,
                                             schedule: schedule, globalScope: options.globalScope, packAware: options.packAwarePermutation) {
                let start = DispatchTime.now()
                let prior = try statistics(current, options)
                do {
                    try PassManager(parsing: step.pipeline).run(on: &current)
                } catch {
                    throw .pass(error)
                }
                let seconds = elapsed(since: start)
                let after = try statistics(current, options)
                if step.name == "permute" { permutation = (permutation?.before ?? prior, after) }
                let value = try metric(current, on: validation, threads: options.threads)
                steps.append(PruningReport.Step(name: step.name, pipeline: step.pipeline, metricBefore: before,
                                                metricAfter: value, seconds: seconds, statistics: after))
                progress("\(step.pipeline)\(tag): \(metricName) \(value), tile sparsity \(after.tileSparsity)")
                before = value
            }
            let start = DispatchTime.now()
            do {
                current = try retrain(current, on: training, options: options)
            } catch {
                throw .execution("retraining: \(error)")
            }
            let seconds = elapsed(since: start)
            final = try statistics(current, options)
            value = try metric(current, on: validation, threads: options.threads)
            steps.append(PruningReport.Step(name: "retrain", pipeline: nil, metricBefore: before, metricAfter: value,
                                            seconds: seconds, statistics: final))
            progress("retrain\(tag): \(metricName) \(value)")
            before = value
        }

        // Passes keep the prunable layers in order (permute may rename the last one), so match by position.
        func counterpart(_ statistics: TileStatistics?, _ index: Int, _ name: String) -> TileStatistics.Layer? {
            guard let statistics else { return nil }
            if statistics.layers.count == final.layers.count { return statistics.layers[index] }
            return statistics.layers.first { $0.name == name }
        }
        let layers = final.layers.enumerated().map { index, layer in
            PruningReport.Layer(name: layer.name, form: layer.form, rows: layer.rows, columns: layer.columns,
                                tiles: layer.tiles, weightSparsity: layer.weightSparsity,
                                tileSparsityBeforePermutation: counterpart(permutation?.before, index, layer.name)?.tileSparsity,
                                tileSparsityAfterPermutation: counterpart(permutation?.after, index, layer.name)?.tileSparsity,
                                tileSparsity: layer.tileSparsity,
                                tilesRemoved: layer.zeroTiles - (counterpart(initial, index, layer.name)?.zeroTiles ?? 0))
        }
        var report = PruningReport(model: graph.name, scheme: options.scheme.rawValue, ratio: options.ratio,
                                   tile: [options.t1, options.t2], metric: metricName, trainingSamples: training.count,
                                   validationSamples: validation.count, epochs: options.epochs, baseline: baseline,
                                   final: value, steps: steps, layers: layers, tileSparsity: final.tileSparsity,
                                   weightSparsity: final.weightSparsity, tilesRemoved: final.zeroTiles - initial.zeroTiles)
        if rounds > 1 { report.rounds = rounds }
        return (current, report)
    }

    /// The pruning ratio of gradual round `round` (1-based) of `rounds`:
    /// density (1 − ratio)^(round/rounds), rounded to 1e-4.
    static func roundRatio(_ ratio: Double, round: Int, of rounds: Int) -> Double {
        let density = Foundation.pow(max(1 - ratio, 0), Double(round) / Double(rounds))
        return ((1 - density) * 10_000).rounded() / 10_000
    }

    /// Retrains `graph` with its masks fixed (and, by default, its polynomial
    /// coefficients: a trained x² would become a·x² + b·x + c, one level
    /// deeper in the plan).
    static func retrain(_ graph: Graph, on data: Dataset, options: Options) throws(TrainingError) -> Graph {
        let trainingOptions = TrainingOptions(epochs: options.epochs, batchSize: options.batchSize,
                                              learningRate: options.learningRate,
                                              schedule: options.learningRateDecay.map { .exponential(gamma: $0) } ?? .constant,
                                              seed: options.seed)
        let usesLabels = data.labels != nil
        let network = try Network(graph, options: .init(freezePolynomials: options.freezePolynomials,
                                                         output: usesLabels ? graph.logitsValue : nil, seed: options.seed))
        _ = try Trainer(network: network, options: trainingOptions).train(on: data)
        return network.exportedGraph()
    }

    /// The unpruned `graph`'s and the `pruned` one's metric on a separate
    /// test set, for ``PruningReport/test``.
    /// - Throws: ``DriverError/dataMismatch(_:)`` when the test set's kind
    ///   (class labels or not) differs from the validation set's.
    public static func test(_ graph: Graph, pruned: Graph, on dataset: Dataset, metric name: String,
                            threads: Int? = nil) throws(DriverError) -> PruningReport.TestResult {
        guard (dataset.labels != nil) == (name == "accuracy") else {
            throw .dataMismatch("the test set \(dataset.source.path) "
                                + (dataset.labels != nil ? "has class labels" : "has no class labels")
                                + " but the scheme measured \(name)")
        }
        return PruningReport.TestResult(samples: dataset.count, baseline: try metric(graph, on: dataset, threads: threads),
                                        final: try metric(pruned, on: dataset, threads: threads))
    }

    /// Accuracy (class labels) or MSE of `graph` on `dataset`.
    public static func metric(_ graph: Graph, on dataset: Dataset, threads: Int? = nil) throws(DriverError) -> Double {
        let evaluation = try Evaluator.evaluate(graph, on: dataset, threads: threads)
        guard let value = evaluation.accuracy ?? evaluation.mse else {
            throw .dataMismatch("evaluation of \(graph.name) on \(dataset.source.path) gave neither accuracy nor MSE")
        }
        return value
    }

    static func statistics(_ graph: Graph, _ options: Options) throws(DriverError) -> TileStatistics {
        do {
            return try TileStatistics(graph, t1: options.t1, t2: options.t2, firstForm: options.firstForm, diagonal: options.diagonal)
        } catch {
            throw .pass(error)
        }
    }

    static func elapsed(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
