public import HepexcData
public import HepexcIR
internal import Dispatch
internal import Foundation
internal import HepexcRing

/// The result of evaluating a model on a data set in plaintext.
public struct EvaluationReport: Sendable, Codable, Equatable {
    /// `classification` (labels), `regression` (float targets) or
    /// `reconstruction` (no labels; outputs compared with the inputs).
    public var task: String
    public var model: String
    public var data: String
    public var output: String
    public var samples: Int
    /// Fraction of samples whose arg-max output equals the label.
    public var accuracy: Double?
    public var correct: Int?
    /// Mean over all elements of (output − target)².
    public var mse: Double?
    public var seconds: Double
    /// Notes such as an automatic reshape of the inputs.
    public var notes: [String]

    public var text: String {
        var lines = ["model \(model) on \(data): \(samples) samples, task \(task), output %\(output)"]
        if let accuracy, let correct {
            lines.append(String(format: "accuracy: %.4f (%d/%d)", accuracy, correct, samples))
        }
        if let mse { lines.append(String(format: "mse: %.6g", mse)) }
        lines.append(String(format: "time: %.3f s (%.1f µs/sample)", seconds, seconds * 1e6 / Double(max(samples, 1))))
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}

/// Runs the reference interpreter over a data set and scores the outputs.
public enum Evaluator {
    /// - Parameters:
    ///   - output: which graph output to score (default: the first).
    ///   - batchSize: items per interpreter call.
    ///   - threads: chunks evaluated concurrently (default: active cores).
    public static func evaluate(_ graph: Graph, on dataset: Dataset, output: String? = nil, batchSize: Int = 256,
                                threads: Int? = nil, layout: DataLayout? = nil) throws(DriverError) -> EvaluationReport {
        var notes: [String] = []
        guard graph.inputs.count == 1, let input = graph.inputs.first else {
            throw .dataMismatch("the model has \(graph.inputs.count) inputs; evaluation needs exactly one")
        }
        let outputName = output ?? graph.outputs[0]
        guard let outputIndex = graph.outputs.firstIndex(of: outputName) else {
            throw .dataMismatch("the model has no output %\(outputName) (outputs: \(graph.outputs.map { "%" + $0 }.joined(separator: ", ")))")
        }
        let inputs = try fit(dataset.inputs, to: input, notes: &notes, layout: layout)
        let interpreter: Interpreter
        do { interpreter = try Interpreter(graph) } catch { throw .ir(error) }

        let start = DispatchTime.now()
        let outputs = try runConcurrently(interpreter, inputs, outputIndex: outputIndex, batchSize: batchSize,
                                          threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9

        try checkFinite(outputs)
        var report = EvaluationReport(task: "", model: graph.name, data: dataset.source.path, output: outputName,
                                      samples: dataset.count, seconds: seconds, notes: notes)
        if let labels = dataset.labels {
            report.task = "classification"
            try checkLabels(labels, outputs: outputs)
            let predictions = try predictedClasses(outputs)
            let correct = zip(predictions, labels).filter { $0 == $1 }.count
            report.correct = correct
            report.accuracy = Double(correct) / Double(labels.count)
        } else if let targets = dataset.targets {
            report.task = "regression"
            report.mse = try meanSquaredError(outputs, targets, what: "targets")
        } else {
            report.task = "reconstruction"
            guard outputs.count == inputs.count else {
                throw .dataMismatch("the data set has no labels or targets (y), and the output \(outputs.shape) does not have the input's size \(inputs.shape), so there is nothing to score")
            }
            report.mse = try meanSquaredError(outputs, inputs, what: "inputs")
        }
        return report
    }

    /// The data's inputs in the model input's shape: identical per-item
    /// shapes pass, equal element counts are reshaped (with a note).
    /// The data shaped for `input`: unchanged when the item shapes agree;
    /// reshaped when only size-1 axes differ, or either side is a flat vector
    /// (the values keep their order); transposed NHWC ↔ NCHW only when
    /// `layout` names the data's layout. Anything else is refused with both
    /// shapes named.
    static func fit(_ inputs: Tensor, to input: GraphInput, notes: inout [String], layout: DataLayout? = nil) throws(DriverError) -> Tensor {
        let itemShape = Array(inputs.shape.dropFirst())
        let expected = input.type.dimensions.dropFirst().compactMap { $0 }
        guard expected.count == input.type.rank - 1 else {
            throw .dataMismatch("input %\(input.name) has a dynamic non-batch dimension (\(input.type))")
        }
        if itemShape == expected { return inputs }
        let count = itemShape.reduce(1, *)
        guard let expectedCount = input.type.elementsPerItem, count == expectedCount else {
            throw .dataMismatch("the data's items have shape \(itemShape) (\(count) values) but input %\(input.name) expects \(expected) (\(input.type.elementsPerItem.map(String.init) ?? "?") values)")
        }
        let batch = inputs.shape[0]
        if itemShape.count == 3, expected.count == 3 {
            let nhwcForNCHW = itemShape == [expected[1], expected[2], expected[0]]
            let nchwForNHWC = itemShape == [expected[2], expected[0], expected[1]]
            if layout == .nhwc, nhwcForNCHW {
                notes.append("inputs transposed from NHWC \(itemShape) to NCHW \(expected) (--layout nhwc)")
                return inputs.transposed([0, 3, 1, 2])
            }
            if layout == .nchw, nchwForNHWC {
                notes.append("inputs transposed from NCHW \(itemShape) to NHWC \(expected) (--layout nchw)")
                return inputs.transposed([0, 2, 3, 1])
            }
            let significant = itemShape.filter { $0 != 1 } == expected.filter { $0 != 1 }
            if !significant, nhwcForNCHW || nchwForNHWC {
                let (data, model, flag) = nhwcForNCHW ? ("NHWC", "NCHW", "nhwc") : ("NCHW", "NHWC", "nchw")
                throw .dataMismatch("the data's items have shape \(itemShape) but input %\(input.name) expects \(expected): \(data) images for an \(model) model; pass --layout \(flag) to transpose them")
            }
        }
        let sameOrder = itemShape.count == 1 || expected.count == 1 || itemShape.filter { $0 != 1 } == expected.filter { $0 != 1 }
        guard sameOrder else {
            throw .dataMismatch("the data's items have shape \(itemShape) but input %\(input.name) expects \(expected); reshaping would reorder the values (give data of shape \(expected), or --layout for NHWC/NCHW images)")
        }
        if layout != nil { notes.append("--layout \(layout?.rawValue ?? ""): nothing to transpose (the layouts agree up to size-1 axes)") }
        notes.append("inputs reshaped from \(itemShape) to \(expected) per item")
        return inputs.reshaped([batch] + expected)
    }

    static func runConcurrently(_ interpreter: Interpreter, _ inputs: Tensor, outputIndex: Int,
                                batchSize: Int, threads: Int) throws(DriverError) -> Tensor {
        let total = inputs.shape[0]
        let chunkSize = max(1, batchSize)
        let chunkCount = (total + chunkSize - 1) / chunkSize
        let parts: [Tensor]
        do {
            parts = try Parallelism(threads: max(1, threads)).map(Array(0..<chunkCount)) { chunk in
                let range = (chunk * chunkSize)..<min(total, (chunk + 1) * chunkSize)
                return try interpreter.run(inputs.batchSlice(range), batchSize: chunkSize)[outputIndex]
            }
        } catch let error as IRError {
            throw .ir(error)
        } catch {
            throw .ir(.evaluation("\(error)"))
        }
        guard !parts.isEmpty else { throw .dataMismatch("the data set is empty") }
        return Interpreter.concatenateBatches(parts)
    }

    /// A metric over NaN or infinite outputs means nothing (an argmax over
    /// NaN picks class 0): an error naming the first sample, never a number.
    static func checkFinite(_ outputs: Tensor) throws(DriverError) {
        guard let index = outputs.scalars.firstIndex(where: { !$0.isFinite }) else { return }
        let width = outputs.count / max(outputs.shape.first ?? 1, 1)
        let bad = outputs.scalars.filter { !$0.isFinite }.count
        throw .dataMismatch("the model's outputs are not finite (\(outputs.scalars[index]) for sample \(index / max(width, 1)), "
                            + "\(bad) value(s) in all): no metric can be computed; check the model for overflowing "
                            + "activations or a batch norm with zero variance and ε = 0")
    }

    /// Labels must name one of the model's classes.
    static func checkLabels(_ labels: [Int], outputs: Tensor) throws(DriverError) {
        let width = outputs.count / max(outputs.shape.first ?? 1, 1)
        guard !(outputs.elementType == .i64 && width == 1), width >= 2 else { return }
        if let index = labels.firstIndex(where: { $0 < 0 || $0 >= width }) {
            throw .dataMismatch("label \(labels[index]) of sample \(index) is outside the model's \(width) classes (0…\(width - 1))")
        }
    }

    /// Arg-max over each item's values (or the values themselves for an
    /// `i64` index output).
    static func predictedClasses(_ outputs: Tensor) throws(DriverError) -> [Int] {
        let count = outputs.shape[0]
        let width = outputs.count / max(count, 1)
        if outputs.elementType == .i64 && width == 1 {
            return try outputs.scalars.enumerated().map { item, value throws(DriverError) in
                guard let index = Int(exactly: value) else {
                    throw .dataMismatch("item \(item)'s predicted class is \(value), not a class index")
                }
                return index
            }
        }
        guard width >= 2 else {
            throw .dataMismatch("the output has one value per item; classification needs one score per class (or an argmax output)")
        }
        return (0..<count).map { item in
            var best = 0
            for k in 1..<width where outputs.scalars[item * width + k] > outputs.scalars[item * width + best] { best = k }
            return best
        }
    }

    static func meanSquaredError(_ outputs: Tensor, _ targets: Tensor, what: String) throws(DriverError) -> Double {
        guard outputs.count == targets.count else {
            throw .dataMismatch("the output holds \(outputs.count) values but the \(what) hold \(targets.count)")
        }
        var sum = 0.0
        for (a, b) in zip(outputs.scalars, targets.scalars) { sum += (a - b) * (a - b) }
        return sum / Double(max(outputs.count, 1))
    }
}
