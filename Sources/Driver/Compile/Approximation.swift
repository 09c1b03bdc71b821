internal import Foundation
internal import HepexcData
internal import HepexcIR
internal import HepexcPasses
internal import HepexcTraining

/// Runs `--approximate`: measures each named activation's input range on
/// calibration data, replaces it by its least-squares polynomial (and max
/// pooling by average pooling), optionally fine-tunes with the training
/// engine, and reports the accuracy after each step.
enum Approximation {
    static func run(_ graph: Graph, _ request: ApproximationRequest, quiet: Bool,
                    progress: @escaping (String) -> Void) throws(DriverError) -> (Graph, ApproximationReport) {
        var pass = try request.pass()
        var report = ApproximationReport()
        var training: Dataset?, held: Dataset?
        if let data = request.data {
            let dataset = try DataRequest(path: data).load()
            if request.test == nil || request.retrain {
                do {
                    let split = try Trainer.split(dataset, validationFraction: request.test == nil ? max(request.validationSplit, 0.05) : 0,
                                                  seed: request.seed)
                    (training, held) = (split.0, request.test == nil ? split.1 : nil)
                } catch { throw DriverError(error) }
            } else {
                training = dataset
            }
            if let training {
                pass.observedRanges = try observedRanges(graph, pass: pass, data: training.prefix(request.calibrationSamples))
            }
        }
        var metric: Dataset? = held
        if let test = request.test {
            metric = try DataRequest(path: test).load()
            report.metricData = test
        } else if held != nil {
            report.metricData = "\(request.data ?? "data") (held-out \(Int((max(request.validationSplit, 0.05) * 100).rounded())) %)"
        }
        func accuracy(_ graph: Graph) throws(DriverError) -> Double? {
            guard let metric, metric.labels != nil else { return nil }
            return try Evaluator.evaluate(graph, on: metric).accuracy
        }
        report.accuracyOriginal = try accuracy(graph)

        var approximated = graph
        for operation in graph.operations {
            if let fit = pass.fit(for: operation), let name = ApproximatePass.activation(of: operation)?.name {
                report.replacements.append(.init(value: operation.result, function: name, degree: fit.coefficients.count - 1,
                                                 interval: [fit.interval.lowerBound, fit.interval.upperBound],
                                                 observed: pass.observedRanges[operation.result] != nil, maxError: fit.maxError))
            }
            if operation.kind == .maxpool2d, pass.maxPoolToAvgPool { report.maxPoolsReplaced += 1 }
        }
        do { try pass.run(on: &approximated) } catch { throw .pass(error) }
        do { try approximated.verify() } catch { throw .ir(error) }
        report.accuracyApproximated = try accuracy(approximated)

        if request.retrain, let training {
            approximated = try fineTune(approximated, request, training: training, validation: held, quiet: quiet)
            report.epochs = request.epochs
            report.accuracyRetrained = try accuracy(approximated)
        }
        return (approximated, report)
    }

    /// The smallest interval holding every input value of each activation
    /// the pass replaces, over `data`.
    static func observedRanges(_ graph: Graph, pass: ApproximatePass, data: Dataset) throws(DriverError) -> [String: ClosedRange<Double>] {
        let targets = graph.operations.filter { pass.fit(for: $0) != nil }
        guard !targets.isEmpty, let input = graph.inputs.first else { return [:] }
        var probe = graph
        let sources = targets.compactMap { $0.valueOperands.first }
        probe.outputs = Array(Set(sources)).sorted()
        probe.eliminateDeadCode()
        var notes: [String] = []
        let inputs = try Evaluator.fit(data.inputs, to: input, notes: &notes)
        let values: [String: Tensor]
        do {
            let interpreter = try Interpreter(probe)
            values = try interpreter.run([input.name: inputs])
        } catch {
            throw .ir(error)
        }
        var ranges: [String: ClosedRange<Double>] = [:]
        for target in targets {
            guard let source = target.valueOperands.first, let tensor = values[source],
                  let low = tensor.scalars.min(), let high = tensor.scalars.max(), low.isFinite, high.isFinite else { continue }
            ranges[target.result] = low...high
        }
        return ranges
    }

    /// Fine-tunes every weight and the polynomial coefficients.
    static func fineTune(_ graph: Graph, _ request: ApproximationRequest, training: Dataset, validation: Dataset?,
                         quiet: Bool) throws(DriverError) -> Graph {
        do {
            let usesLabels = training.labels != nil
            let network = try Network(graph, options: .init(initialize: false, output: usesLabels ? graph.logitsValue : nil,
                                                            seed: request.seed))
            let options = TrainingOptions(epochs: request.epochs, batchSize: 64, optimizer: .adam,
                                          learningRate: request.learningRate ?? 0.0005, momentum: 0.9, weightDecay: 0,
                                          seed: request.seed, loss: usesLabels ? .crossEntropy : .meanSquaredError)
            let trainer = try Trainer(network: network, options: options)
            var bar = TrainProgress(totalEpochs: request.epochs, quiet: quiet)
            _ = try trainer.train(on: training, validation: validation) { bar.handle($0) }
            return network.exportedGraph()
        } catch {
            throw .training(error)
        }
    }
}
