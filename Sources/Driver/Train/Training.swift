internal import Foundation
internal import HepexcData
internal import HepexcFrontend
internal import HepexcIR
internal import HepexcPasses
internal import HepexcTraining

/// `hepexc train`: train or fine-tune a model in Swift (masks kept fixed)
/// and write it.
public enum Training {
    /// Trains, writes the model atomically and reports (with a progress bar
    /// on standard error when it is a terminal).
    public static func run(_ request: TrainRequest) throws(DriverError) -> TrainReport {
        try request.validate()
        do {
            return try train(request)
        } catch {
            throw DriverError(error)
        }
    }

    static func train(_ request: TrainRequest) throws -> TrainReport {
        if let threads = request.threads { Trainer.setThreadCount(threads) }
        var notes: [String] = []
        var graph = try request.model.load().graph
        if request.replaceReLU == .poly2 {
            notes.append("replaced \(graph.replaceReLUWithPoly2()) ReLU(s) by trainable poly2")
        }
        let scaling: DatasetLoader.Scaling = request.normalize == .none ? .none : .unit
        let dataset = try request.data.load(scale: scaling)
        var (training, held) = try Trainer.split(dataset, validationFraction: request.validationSplit, seed: request.seed)
        if let validation = request.validation {
            held = try request.data.loadOther(validation, scale: scaling)
        }
        if request.normalize == .standard {
            let values = training.inputs.scalars
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            let std = max(variance.squareRoot(), 1e-12)
            graph.prependNormalization(mean: mean, standardDeviation: std)
            notes.append(String(format: "inputs standardised in the model: (x − %.6g) / %.6g", mean, std))
        }
        var initialize = request.fromScratch
        if let maskSmallest = request.maskSmallest {
            if initialize {
                // Initialise first so the mask is chosen on the fresh weights.
                graph = try Network(graph, options: .init(initialize: true, seed: request.seed)).exportedGraph()
                initialize = false
            }
            let count = try WeightMask.addMagnitudeMasks(to: &graph, ratio: maskSmallest)
            notes.append("masked \(count) smallest-magnitude weights (\(maskSmallest) per layer)")
        }
        let testData = try request.test.map { try request.data.loadOther($0, scale: scaling) }
        var accuracyBefore: Double?
        if let testData, !initialize, graph.hasAllWeights {
            accuracyBefore = try Evaluator.evaluate(graph, on: testData, threads: request.threads).accuracy
        }
        var options = trainingOptions(request)
        let usesLabels = (options.loss ?? (training.labels != nil ? .crossEntropy : .meanSquaredError)) == .crossEntropy
        let network = try Network(graph, options: .init(initialize: initialize, freezePolynomials: request.freezePolynomials,
                                                        output: usesLabels ? graph.logitsValue : nil, seed: request.seed))
        if let pruning = request.dataPruning {
            options.dataPruning = try DataPruningOptions(keep: pruning.keep, selectEvery: pruning.selectEvery,
                                                         score: pruning.score.rawValue, window: pruning.window)
        }
        let trainer = try Trainer(network: network, options: options)
        var progress = TrainProgress(totalEpochs: request.epochs, quiet: request.quiet)
        let summary = try trainer.train(on: training, validation: held) { progress.handle($0) }

        var trained = network.exportedGraph()
        if request.foldBatchNorm && trained.operations.contains(where: { $0.kind == .batchnorm }) {
            let manager = try PassManager(parsing: "fold-bn")
            try manager.run(on: &trained)
            notes.append("folded batchnorm into the preceding layers (fold-bn)")
        }
        let (masked, nonZero) = try WeightMask.violations(in: trained)
        try write(trained, to: request.output)

        var report = TrainReport(model: trained.name, data: request.data.path, output: request.output, summary: summary,
                                 maskedWeights: masked, maskedNonZero: nonZero, notes: notes)
        report.testAccuracyBefore = accuracyBefore
        if let testData {
            let evaluation = try Evaluator.evaluate(trained, on: testData, threads: request.threads)
            report.testSamples = evaluation.samples
            report.testAccuracy = evaluation.accuracy
            report.testMSE = evaluation.mse
            report.notes += evaluation.notes
        }
        return report
    }

    static func trainingOptions(_ request: TrainRequest) -> TrainingOptions {
        var options = TrainingOptions(epochs: request.epochs, batchSize: request.batchSize,
                                      optimizer: request.optimizer == .sgd ? .sgd : .adam,
                                      learningRate: request.learningRate, momentum: request.momentum,
                                      weightDecay: request.weightDecay, seed: request.seed,
                                      loss: request.loss.map { $0 == .mse ? .meanSquaredError : .crossEntropy })
        switch request.schedule {
        case .constant: options.schedule = .constant
        case .step: options.schedule = .step(every: request.stepSize, gamma: request.gamma)
        case .exponential: options.schedule = .exponential(gamma: request.gamma)
        }
        return options
    }

    /// Writes `graph` atomically as textual IR or ONNX.
    static func write(_ graph: Graph, to path: String) throws(DriverError) {
        if path.lowercased().hasSuffix(".onnx") {
            let data: Data
            do { data = try ONNXExporter.export(graph) } catch { throw .frontend(error) }
            try OutputFile.write(data, to: path)
        } else {
            try OutputFile.write(graph.printed(PrintOptions(weights: .all)), to: path)
        }
    }
}
