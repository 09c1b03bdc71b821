internal import Foundation
internal import HepexcData
internal import HepexcIR
internal import HepexcPlan

/// Where pruning ranks weights: each layer by the ratio, or all together.
public enum PruneScope: String, CaseIterable, Sendable {
    case local, global
}

/// `hepexc compile --scheme …`: an HE-PEx scheme with retraining, run on
/// the model before lowering (docs/hepex.md, "Schemes").
public struct SchemeRequest: Sendable {
    public var scheme: PruningScheme
    /// The retraining set.
    public var data: String
    /// Fraction of weights (P2T: tiles) to prune; with `maxAccuracyDrop`, the first ratio tried.
    public var pruneRatio: Double = 0.8
    public var epochs: Int = 2
    /// Fraction of `data` held out to measure the metric (when no `validation`).
    public var validationSplit: Double = 0.2
    public var validation: String?
    /// A test set the scheme never sees.
    public var test: String?
    /// Search the ratio for the highest tile sparsity within this many points.
    public var maxAccuracyDrop: Double?
    public var searchSteps: Int = 5
    public var packThreshold: Double = 0.0625
    public var rounds: Int = 1
    public var learningRate: Double?
    public var scope: PruneScope = .local
    public var outputRatio: Double?
    public var learningRateDecay: Double?
    /// P4/P4E: permute for the fewest non-zero tiles only, not for `packThreshold`.
    public var plainPermute = false
    public var seed: UInt64 = 0
    /// Write the pruned, retrained model as textual IR.
    public var saveIR: String?

    public init(scheme: PruningScheme, data: String) {
        self.scheme = scheme
        self.data = data
    }

    /// - Throws: `DriverError.invalidOption` naming the offending option.
    public func validate() throws(DriverError) {
        if !(0...1).contains(pruneRatio) { throw .invalidOption("--prune-ratio must be in [0, 1]") }
        if epochs < 1 { throw .invalidOption("--epochs must be at least 1") }
        if let learningRateDecay, !(learningRateDecay > 0 && learningRateDecay <= 1) {
            throw .invalidOption("--learning-rate-decay must be in (0, 1]")
        }
        if let outputRatio, !(0...1).contains(outputRatio) { throw .invalidOption("--output-ratio must be in [0, 1]") }
        if outputRatio != nil && scope == .global { throw .invalidOption("--output-ratio needs --prune-scope local") }
        if rounds < 1 { throw .invalidOption("--rounds must be at least 1") }
        if let learningRate, !(learningRate > 0) { throw .invalidOption("--learning-rate must be positive") }
        if !(validationSplit > 0 && validationSplit < 1) { throw .invalidOption("--validation-split must be in (0, 1)") }
        if let maxAccuracyDrop, !(maxAccuracyDrop >= 0) { throw .invalidOption("--max-accuracy-drop must be ≥ 0") }
        if searchSteps < 1 { throw .invalidOption("--search-steps must be at least 1") }
        if !(0...1).contains(packThreshold) { throw .invalidOption("--pack-threshold must be in [0, 1]") }
    }

    /// Loads `model` (import pipeline, `fold-bn`, `passes`), runs the scheme
    /// (or the ratio search) with retraining for the compiler's tile shape
    /// and form choice. The caller writes `saveIR` once the plan compiled.
    func prune(model: String, passes: String?, t1: Int, t2: Int, firstForm: FCForm?, diagonal: Bool,
               progress: @escaping (String) -> Void) throws(DriverError) -> (graph: Graph, report: PruningReport) {
        let pipeline = ["fold-bn", passes].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ",")
        let graph = try ModelLoader.load(model, passes: pipeline).graph
        return try prune(graph: graph, t1: t1, t2: t2, firstForm: firstForm, diagonal: diagonal, progress: progress)
    }

    /// Runs the scheme on an already loaded (and possibly approximated) graph.
    func prune(graph: Graph, t1: Int, t2: Int, firstForm: FCForm?, diagonal: Bool,
               progress: @escaping (String) -> Void) throws(DriverError) -> (graph: Graph, report: PruningReport) {
        let dataset = try DataRequest(path: data).load()
        let training: Dataset, held: Dataset
        if let validation {
            (training, held) = (dataset, try DataRequest(path: validation).load())
        } else {
            (training, held) = try PruningRunner.split(dataset, validationFraction: validationSplit, seed: seed)
        }
        var options = PruningRunner.Options(scheme: scheme, ratio: pruneRatio, t1: t1, t2: t2, firstForm: firstForm,
                                            packThreshold: packThreshold, epochs: epochs, learningRate: learningRate, seed: seed)
        options.diagonal = diagonal
        options.packAwarePermutation = !plainPermute
        options.rounds = rounds
        options.globalScope = scope == .global
        options.outputRatio = outputRatio
        options.learningRateDecay = learningRateDecay
        let label = scheme.displayName
        let lines: (String) -> Void = { line in progress("\(label) \(line)") }
        var result: (graph: Graph, report: PruningReport)
        if let maxAccuracyDrop {
            result = try PruningRunner.search(graph, training: training, validation: held, options: options,
                                              maxDrop: maxAccuracyDrop, probes: searchSteps, progress: lines)
        } else {
            result = try PruningRunner.run(graph, training: training, validation: held, options: options, progress: lines)
        }
        if let test {
            let testSet = try DataRequest(path: test).load()
            result.report.test = try PruningRunner.test(graph, pruned: result.graph, on: testSet, metric: result.report.metric)
        }
        return result
    }
}
