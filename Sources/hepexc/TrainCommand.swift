import ArgumentParser
import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import HepexcPasses
import HepexcTraining

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train or fine-tune a model in Swift (masks kept fixed) and write the trained model.",
        discussion: """
        Cross-entropy for class labels, MSE for float targets (or reconstruction when the data has \
        no labels). Weights carrying a mask (`{mask = "w.mask"}`, docs/ir.md) keep their masked \
        entries at exactly 0. Batch norm trains in training mode and is folded (fold-bn) before \
        writing. Output: .hepir (all weights) or .onnx. See docs/training.md. With --json: model, \
        data, output, loss, optimizer, training_samples, validation_samples, trainable_parameters, \
        epochs, seconds, test_accuracy, test_samples, masked_weights, masked_nonzero, notes.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var jsonOutput: OutputOptions

    @OptionGroup var dataOptions: DataOptions
    @Option(name: .long, help: "A validation set, evaluated after every epoch.")
    var validation: String?
    @Option(name: .long, help: "Hold out this fraction of --data (seeded shuffle) for validation.")
    var validationSplit: Double = 0
    @Option(name: .long, help: "A test set: accuracy/MSE of the written model, by the reference interpreter.")
    var test: String?
    @Option(name: .long, help: "Input scaling: unit (uint8 / 255, default), none, or standard (also (x − mean)/std, baked into the model).")
    var normalize: Normalization = .unit

    @Option(name: .shortAndLong, help: "Where to write the trained model (.hepir or .onnx).")
    var output: String
    @Option(name: .long, help: "Epochs.")
    var epochs: Int = 5
    @Option(name: .long, help: "Examples per mini-batch.")
    var batchSize: Int = 64
    @Option(name: .long, help: "sgd (with momentum) or adam.")
    var optimizer: OptimizerName = .adam
    @Option(name: .long, help: "Learning rate (default: 0.001 for adam, 0.01 for sgd).")
    var lr: Double?
    @Option(name: .long, help: "SGD momentum.")
    var momentum: Double = 0.9
    @Option(name: .long, help: "L2 weight decay on dense/conv weights.")
    var weightDecay: Double = 0
    @Option(name: .long, help: "Learning-rate schedule: constant, step or exponential.")
    var schedule: ScheduleName = .constant
    @Option(name: .long, help: "Step schedule: epochs between decays.")
    var stepSize: Int = 1
    @Option(name: .long, help: "Decay factor of the step/exponential schedule.")
    var gamma: Double = 0.5
    @Option(name: .long, help: "Loss: cross-entropy or mse (default: from the data).")
    var loss: LossName?
    @Option(name: .long, help: "Seed for initialisation, shuffling and the split.")
    var seed: UInt64 = 0
    @Flag(name: .long, help: "Re-initialise all weights (train from scratch); elided weights are then allowed.")
    var fromScratch = false
    @Option(name: .long, help: "Replace every ReLU by a trainable polynomial: poly2.")
    var replaceRelu: String?
    @Flag(name: .long, help: "Keep polynomial activation coefficients fixed.")
    var freezePoly = false
    @Option(name: .long, help: "Before training, mask (fix at 0) this fraction of the smallest weights of each dense/conv layer without a mask.")
    var maskSmallest: Double?
    @Flag(name: .long, help: "Keep batchnorm operations instead of folding them.")
    var noFoldBn = false
    @Option(name: .long, help: "BLAS threads (default: all cores).")
    var threads: Int?
    @Flag(name: .long, help: "No per-epoch lines when not on a terminal.")
    var quiet = false

    enum Normalization: String, ExpressibleByArgument, CaseIterable { case unit, none, standard }
    enum ScheduleName: String, ExpressibleByArgument, CaseIterable { case constant, step, exponential }
    enum OptimizerName: String, ExpressibleByArgument, CaseIterable { case sgd, adam }
    enum LossName: String, ExpressibleByArgument, CaseIterable {
        case crossEntropy = "cross-entropy", mse
        var loss: Loss { self == .mse ? .meanSquaredError : .crossEntropy }
    }

    func validate() throws {
        if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if !(0..<1).contains(validationSplit) { throw ValidationError("--validation-split must be in [0, 1)") }
        if validation != nil && validationSplit > 0 { throw ValidationError("give --validation or --validation-split, not both") }
        if let replaceRelu, replaceRelu != "poly2" { throw ValidationError("--replace-relu supports poly2") }
        if let maskSmallest, !(0..<1).contains(maskSmallest) { throw ValidationError("--mask-smallest must be in [0, 1)") }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if !["hepir", "hir", "onnx"].contains(ext) {
            throw ValidationError("-o must end in .hepir or .onnx, got '\(output)'")
        }
    }

    func run() throws {
        try Console.run {
            if let threads { Trainer.setThreadCount(threads) }
            var notes: [String] = []
            var graph = try modelOptions.load().graph
            if replaceRelu != nil {
                notes.append("replaced \(graph.replaceReLUWithPoly2()) ReLU(s) by trainable poly2")
            }
            let scaling: DatasetLoader.Scaling = normalize == .none ? .none : .unit
            let dataset = try dataOptions.load(scale: scaling)
            var (training, held) = try Trainer.split(dataset, validationFraction: validationSplit, seed: seed)
            if let validation {
                held = try dataOptions.loadOther(validation, scale: scaling)
            }
            if normalize == .standard {
                let values = training.inputs.scalars
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                let std = max(variance.squareRoot(), 1e-12)
                graph.prependNormalization(mean: mean, standardDeviation: std)
                notes.append(String(format: "inputs standardised in the model: (x − %.6g) / %.6g", mean, std))
            }
            var initialize = fromScratch
            if let maskSmallest {
                if initialize {
                    // Initialise first so the mask is chosen on the fresh weights.
                    graph = try Network(graph, options: .init(initialize: true, seed: seed)).exportedGraph()
                    initialize = false
                }
                let count = try WeightMask.addMagnitudeMasks(to: &graph, ratio: maskSmallest)
                notes.append("masked \(count) smallest-magnitude weights (\(maskSmallest) per layer)")
            }
            var testData: Dataset?
            if let test {
                testData = try dataOptions.loadOther(test, scale: scaling)
            }
            var accuracyBefore: Double?
            if let testData, !initialize, graph.hasAllWeights {
                accuracyBefore = try Evaluator.evaluate(graph, on: testData, threads: threads).accuracy
            }
            var trainingOptions = TrainingOptions(epochs: epochs, batchSize: batchSize,
                                                  optimizer: optimizer == .sgd ? .sgd : .adam,
                                                  learningRate: lr, momentum: momentum, weightDecay: weightDecay,
                                                  seed: seed, loss: loss?.loss)
            switch schedule {
            case .constant: trainingOptions.schedule = .constant
            case .step: trainingOptions.schedule = .step(every: stepSize, gamma: gamma)
            case .exponential: trainingOptions.schedule = .exponential(gamma: gamma)
            }
            let usesLabels = (trainingOptions.loss ?? (training.labels != nil ? .crossEntropy : .meanSquaredError)) == .crossEntropy
            let network = try Network(graph, options: .init(initialize: initialize, freezePolynomials: freezePoly,
                                                            output: usesLabels ? graph.logitsValue : nil, seed: seed))
            let trainer = try Trainer(network: network, options: trainingOptions)
            var progress = TrainProgress(totalEpochs: epochs, quiet: quiet || jsonOutput.json)
            let summary = try trainer.train(on: training, validation: held) { progress.handle($0) }

            var trained = network.exportedGraph()
            if !noFoldBn && trained.operations.contains(where: { $0.kind == .batchnorm }) {
                let manager = try PassManager(parsing: "fold-bn")
                try manager.run(on: &trained)
                notes.append("folded batchnorm into the preceding layers (fold-bn)")
            }
            let (masked, nonZero) = try WeightMask.violations(in: trained)
            try write(trained)

            var report = TrainReport(model: trained.name, data: dataOptions.data, output: output, summary: summary,
                                     maskedWeights: masked, maskedNonZero: nonZero, notes: notes)
            report.testAccuracyBefore = accuracyBefore
            if let testData {
                let evaluation = try Evaluator.evaluate(trained, on: testData, threads: threads)
                report.testSamples = evaluation.samples
                report.testAccuracy = evaluation.accuracy
                report.testMSE = evaluation.mse
                report.notes += evaluation.notes
            }
            if jsonOutput.json { try Console.printJSON(report) } else { print(report.text) }
        }
    }

    /// Writes `graph` atomically as textual IR or ONNX.
    private func write(_ graph: Graph) throws {
        switch URL(fileURLWithPath: output).pathExtension.lowercased() {
        case "onnx":
            let data = try ONNXExporter.export(graph)
            do {
                try data.write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw DriverError.write(path: output, reason: error.localizedDescription)
            }
        default:
            try Console.write(graph.printed(PrintOptions(weights: .all)), to: output)
        }
    }
}

