import ArgumentParser
import Foundation
import HepexcData
import HepexcDriver
import HepexcIR
import HepexcPasses

/// `hepexc compile`'s HE-PEx options: a pruning scheme with retraining run
/// before lowering (docs/hepex.md, "Schemes").
struct SchemeOptions: ParsableArguments {
    @Option(name: .long, help: "HE-PEx scheme before lowering: p2, p2t, p3, p3e, p4 or p4e (needs --data).",
            transform: { text in
                guard let scheme = PruningScheme(rawValue: text.lowercased()) else {
                    throw ValidationError("--scheme '\(text)' is not one of p2, p2t, p3, p3e, p4, p4e")
                }
                return scheme
            })
    var scheme: PruningScheme?
    @Option(name: .long, help: "Training data for the scheme's retraining (.npz, .npy or idx); a validation split is held out.")
    var data: String?
    @Option(name: .long, help: "Fraction of weights (p2t: tiles) to prune; with --max-accuracy-drop, the first ratio tried.")
    var pruneRatio: Double = 0.8
    @Option(name: .long, help: "Retraining epochs.")
    var epochs: Int = 2
    @Option(name: .long, help: "Fraction of --data held out (seeded shuffle) to measure accuracy or MSE.")
    var validationSplit: Double = 0.2
    @Option(name: .long, help: ArgumentHelp("A separate validation set instead of --validation-split (all of --data retrains).",
                                            valueName: "path"))
    var validation: String?
    @Option(name: .long, help: ArgumentHelp("A test set the scheme never sees: report the unpruned and the final model's metric on it.",
                                            valueName: "path"))
    var test: String?
    @Option(name: .long, help: "Search the ratio for the highest tile sparsity within this many accuracy points (MSE: percent) of the unpruned model.")
    var maxAccuracyDrop: Double?
    @Option(name: .long, help: "Ratios tried by the --max-accuracy-drop bisection.")
    var searchSteps: Int = 5
    @Option(name: .long, help: "prune-pack's threshold (p4, p4e): prune tiles with a smaller non-zero fraction.")
    var packThreshold: Double = 0.0625
    @Option(name: .long, help: "Gradual pruning: run the scheme and its retraining this many times, the last at --prune-ratio.")
    var rounds: Int = 1
    @Option(name: .long, help: "Retraining learning rate (Adam; default 0.001).")
    var learningRate: Double?
    @Option(name: .long, help: "local (default): prune every layer by the ratio; global: rank all layers' weights (p2t: tiles) together.")
    var pruneScope: String = "local"
    @Option(name: .long, help: "Prune the output layer by at most this fraction (weights; p2t: tiles) instead of --prune-ratio.")
    var outputRatio: Double?
    @Option(name: .long, help: "Multiply the retraining learning rate by this after every epoch (default: constant).")
    var learningRateDecay: Double?
    @Flag(name: .long, help: "p4, p4e: permute for the fewest non-zero tiles only, not for --pack-threshold.")
    var plainPermute = false
    @Option(name: .long, help: "Seed of the split and of the retraining's shuffling.")
    var seed: UInt64 = 0
    @Option(name: .long, help: ArgumentHelp("Write the pruned, retrained model as textual IR.", valueName: "out.hepir"))
    var saveIr: String?

    func validate(tileIsAuto: Bool) throws {
        guard let scheme else {
            if data != nil || maxAccuracyDrop != nil || saveIr != nil || validation != nil || test != nil {
                throw ValidationError("--data, --validation, --test, --max-accuracy-drop and --save-ir need --scheme")
            }
            return
        }
        if data == nil { throw ValidationError("--scheme \(scheme.rawValue) needs --data (the retraining set)") }
        if tileIsAuto { throw ValidationError("--scheme needs a fixed --tile (not auto): the passes prune for that tile shape") }
        if !(0...1).contains(pruneRatio) { throw ValidationError("--prune-ratio must be in [0, 1]") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let learningRateDecay, !(learningRateDecay > 0 && learningRateDecay <= 1) {
            throw ValidationError("--learning-rate-decay must be in (0, 1]")
        }
        if !["local", "global"].contains(pruneScope) { throw ValidationError("--prune-scope must be local or global") }
        if let outputRatio, !(0...1).contains(outputRatio) { throw ValidationError("--output-ratio must be in [0, 1]") }
        if outputRatio != nil && pruneScope == "global" { throw ValidationError("--output-ratio needs --prune-scope local") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
        if !(validationSplit > 0 && validationSplit < 1) { throw ValidationError("--validation-split must be in (0, 1)") }
        if let maxAccuracyDrop, !(maxAccuracyDrop >= 0) { throw ValidationError("--max-accuracy-drop must be ≥ 0") }
        if searchSteps < 1 { throw ValidationError("--search-steps must be at least 1") }
        if !(0...1).contains(packThreshold) { throw ValidationError("--pack-threshold must be in [0, 1]") }
    }

    /// Loads `model` (import pipeline, `fold-bn`, `passes`), runs the scheme
    /// (or the ratio search) with retraining and writes `--save-ir`.
    func prune(model: String, passes: String?, t1: Int, t2: Int,
               quiet: Bool) throws -> (graph: Graph, report: PruningReport)? {
        guard let scheme, let data else { return nil }
        let pipeline = ["fold-bn", passes].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ",")
        let graph = try ModelLoader.load(model, passes: pipeline).graph
        let dataset = try DatasetLoader.load(path: data)
        let (training, validation) = try self.validation.map { path in (dataset, try DatasetLoader.load(path: path)) }
            ?? PruningRunner.split(dataset, validationFraction: validationSplit, seed: seed)
        var options = PruningRunner.Options(scheme: scheme, ratio: pruneRatio, t1: t1, t2: t2, packThreshold: packThreshold,
                                            epochs: epochs, learningRate: learningRate, seed: seed)
        options.packAwarePermutation = !plainPermute
        options.rounds = rounds
        options.globalScope = pruneScope == "global"
        options.outputRatio = outputRatio
        options.learningRateDecay = learningRateDecay
        let progress: (String) -> Void = { line in
            if !quiet { FileHandle.standardError.write(Data("\(scheme.displayName) \(line)\n".utf8)) }
        }
        var result = try maxAccuracyDrop.map { drop in
            try PruningRunner.search(graph, training: training, validation: validation, options: options,
                                     maxDrop: drop, probes: searchSteps, progress: progress)
        } ?? PruningRunner.run(graph, training: training, validation: validation, options: options, progress: progress)
        if let test {
            let testSet = try DatasetLoader.load(path: test)
            result.report.test = try PruningRunner.test(graph, pruned: result.graph, on: testSet, metric: result.report.metric)
        }
        if let saveIr { try Console.write(result.graph.printed(PrintOptions(weights: .all)), to: saveIr) }
        return result
    }
}

/// `hepexc compile --scheme … --json`: the plan report and the pruning report.
struct SchemeCompileReport: Encodable {
    var plan: PlanReport
    var pruning: PruningReport
}
