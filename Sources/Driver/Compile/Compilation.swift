internal import HepexcIR
internal import HepexcPasses
internal import HepexcPlan

/// `hepexc compile`: load (and optionally prune with an HE-PEx scheme),
/// lower once, select the tile layout, write the plan.
public enum Compilation {
    /// The plan report, and the pruning report when a scheme ran.
    public struct Outcome: CommandOutcome {
        public var plan: PlanReport
        public var pruning: PruningReport?
        /// What `--approximate` replaced, with accuracies.
        public var approximation: ApproximationReport?
        /// What `--tile auto` minimised (absent for a fixed tile).
        public var objective: CompileObjective?
        public var batch: Int?
        public var written: [String]
        /// How convolutions were packed and why (`--conv`), when packing was considered.
        public var convolution: String?

        public func encode(to encoder: any Encoder) throws {
            // Without a scheme the report is the plan report itself (docs/cli.md).
            guard pruning != nil || approximation != nil else { return try plan.encode(to: encoder) }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(plan, forKey: .plan)
            try container.encodeIfPresent(pruning, forKey: .pruning)
            try container.encodeIfPresent(approximation, forKey: .approximation)
        }

        enum Keys: String, CodingKey { case plan, pruning, approximation }

        public var text: String {
            var lines: [String] = []
            if let approximation { lines.append(approximation.text + "\n") }
            if let pruning { lines.append(pruning.text + "\n") }
            lines.append(plan.text)
            if let objective {
                let goal = objective == .latency ? "latency of a batch of \(batch ?? 1)" : "throughput (time per sample)"
                lines.append("tile chosen automatically: \(plan.tile[0])x\(plan.tile[1]) (objective: \(goal))")
            }
            if let convolution { lines.append(convolution) }
            lines += written.map { "wrote \($0)" }
            return lines.joined(separator: "\n")
        }
    }

    /// Calibration samples hold more than this many rows: the first ones.
    static let calibrationLimit = 4096

    /// The first rows of a data set, as feature vectors.
    static func calibrationRows(_ path: String, features: Int) throws(DriverError) -> [[Double]] {
        let dataset = try DataRequest(path: path, limit: calibrationLimit).load()
        let rows = try PlanRunner.featureRows(dataset, features: features)
        guard rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw .dataMismatch("\(path): calibration data holds NaN or infinite values")
        }
        return rows
    }

    /// Compiles the request's model into a plan.
    /// - Parameter progress: receives one line per finished scheme step.
    public static func run(_ request: CompileRequest, progress: @escaping (String) -> Void = { _ in }) throws(DriverError) -> Outcome {
        try request.validate()
        let costModel = try request.costs.map { path throws(DriverError) in try CostModel(benchReport: path) } ?? .default
        let first: FCForm? = request.firstForm.map { FCForm(rawValue: $0.rawValue) ?? .typeA }
        let (t1, t2) = request.tile.shapes.first ?? (16, 16)
        // Load, approximate and check once, before any pruning or training;
        // only the packing depends on the tile shape.
        var loaded = try PlanRunner.loadForCompilation(request.model, passes: request.passes)
        var approximation: ApproximationReport?
        if let approximate = request.approximation {
            (loaded, approximation) = try Approximation.run(loaded, approximate, quiet: request.quiet, progress: progress)
        }
        do { try PlanCompiler.checkEncryptable(loaded) } catch { throw .pass(error) }
        let pruned = try request.scheme?.prune(graph: loaded, t1: t1, t2: t2, firstForm: first, diagonal: request.diagonal,
                                               progress: progress)
        let graph = pruned?.graph ?? loaded
        // Affine segments (a convolution's Toeplitz matrix) are measured once for every shape.
        let lowered = try PlanRunner.lower(graph)
        let forms: [FCForm?] = if let first { [first] } else if request.tile.isAuto {
            [nil, .typeA, .typeB] + (request.diagonal ? [.diagonal] : [])
        } else { [nil] }
        var options = PlanCompiler.Options(t1: t1, t2: t2, logN: request.insecureLogN, insecure: request.insecureLogN != nil,
                                           minimumBatch: request.batch, firstForm: first, diagonal: request.diagonal,
                                           scaleBits: request.scaleBits)
        options.inputRange = request.inputRange
        options.precision = request.precision
        options.bootstrap = BootstrapChoice.options(request.bootstrap, insecureLogN: request.insecureLogN,
                                                    levelsAfter: request.bootstrapLevels)
        if let path = request.calibration ?? request.scheme?.data {
            options.calibration = try calibrationRows(path, features: lowered.features)
        }
        let selection = TileLayoutSelection(shapes: request.tile.shapes, forms: forms, options: options, costModel: costModel,
                                            objective: request.effectiveObjective, batch: request.batch ?? 1,
                                            maxMemoryBytes: request.tile.isAuto ? request.maxMemoryMiB << 20 : nil)
        let choice = ConvPackingChoice(mode: request.conv, selection: selection,
                                       hasConvolution: PlanCompiler.hasConvolution(graph), batchStated: request.batch != nil)
        let best = try choice.choose(lowered)
        var written: [String] = []
        if let output = request.output {
            try PlanRunner.write(best.plan, to: output)
            written.append(output)
        }
        if let path = request.scheme?.saveIR ?? request.approximation?.saveIR, pruned != nil || approximation != nil {
            try OutputFile.write(graph.printed(PrintOptions(weights: .all)), to: path)
            written.append(path)
        }
        return Outcome(plan: best.report, pruning: pruned?.report, approximation: approximation, objective: request.tile.isAuto ? request.effectiveObjective : nil,
                       batch: request.batch, written: written, convolution: best.note)
    }
}
