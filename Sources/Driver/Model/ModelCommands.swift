internal import HepexcData
internal import HepexcFrontend
internal import HepexcIR
internal import HepexcPasses

extension EvaluationReport: CommandOutcome {}

/// `hepexc eval`: a model in plaintext with the reference interpreter.
public enum Evaluation {
    public struct Request: Sendable {
        public var model: ModelRequest
        public var data: DataRequest
        public var batchSize: Int
        public var threads: Int?
        /// The model output to score (default: the first).
        public var output: String?

        public init(model: ModelRequest, data: DataRequest, batchSize: Int = 256, threads: Int? = nil, output: String? = nil) {
            self.model = model
            self.data = data
            self.batchSize = batchSize
            self.threads = threads
            self.output = output
        }
    }

    public static func run(_ request: Request) throws(DriverError) -> EvaluationReport {
        let loaded = try request.model.load()
        let dataset = try request.data.load()
        return try Evaluator.evaluate(loaded.graph, on: dataset, output: request.output,
                                      batchSize: request.batchSize, threads: request.threads, layout: request.data.layout)
    }
}

/// `hepexc opt`: run a pipeline and print or write the IR.
public enum Optimization {
    /// The registered passes and aliases, one per line with their options.
    public static var passListing: String {
        var lines: [String] = []
        for pass in PassRegistry.passes {
            lines.append("\(pass.name): \(pass.summary)")
            for option in pass.optionHelp { lines.append("    \(option.key): \(option.help)") }
        }
        for (alias, expansion) in PassRegistry.aliases.sorted(by: { $0.key < $1.key }) { lines.append("\(alias): alias for \(expansion)") }
        return lines.joined(separator: "\n")
    }

    /// Runs the request's pipeline (no import canonicalization) and returns
    /// the IR text, after writing it to `output` when given.
    public static func run(_ model: ModelRequest, weights: Bool, output: String?) throws(DriverError) -> String {
        let loaded = try model.load()
        let text = loaded.graph.printed(PrintOptions(weights: weights ? .all : .elided(above: 16)))
        if let output { try OutputFile.write(text, to: output) }
        return text
    }
}

/// `hepexc convert`: any model hepexc reads, written as ONNX.
public enum Conversion {
    /// The ONNX opset the exporter writes.
    public static var opset: Int { ONNXExporter.opset }

    /// Converts and writes atomically; returns a one-line summary.
    public static func run(_ model: ModelRequest, output: String) throws(DriverError) -> String {
        let loaded = try model.load()
        do { try ONNXExporter.write(loaded.graph, to: output) } catch { throw .frontend(error) }
        return "wrote \(output): \(loaded.graph.operations.count) operations, \(loaded.graph.parameterCount) parameters (from \(loaded.format.rawValue))"
    }
}
