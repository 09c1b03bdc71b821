internal import HepexcIR
internal import HepexcPasses
internal import HepexcPlan

/// `hepexc inspect`: a model's IR and summary, or a compiled plan's report,
/// and optionally a tile map (SVG).
public enum Inspection {
    public struct Request: Sendable {
        public var model: ModelRequest
        /// Print every weight value.
        public var weights: Bool
        public var summaryOnly: Bool
        public var irOnly: Bool
        /// Where to draw the tile map, if anywhere.
        public var tileMap: String?
        /// The tile shape of a model's tile map.
        public var tile: (t1: Int, t2: Int)

        public init(model: ModelRequest, weights: Bool = false, summaryOnly: Bool = false, irOnly: Bool = false,
                    tileMap: String? = nil, tile: (t1: Int, t2: Int) = (16, 16)) {
            self.model = model
            self.weights = weights
            self.summaryOnly = summaryOnly
            self.irOnly = irOnly
            self.tileMap = tileMap
            self.tile = tile
        }
    }

    /// A model's summary and IR.
    public struct ModelOutcome: CommandOutcome {
        public var summary: ModelSummary
        public var format: String
        public var ir: String?
        let summaryOnly: Bool
        let irOnly: Bool

        public func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(format, forKey: .format)
            try container.encodeIfPresent(summaryOnly ? nil : ir, forKey: .ir)
        }

        enum Keys: String, CodingKey { case format, ir }

        public var text: String {
            var parts: [String] = []
            if !summaryOnly, let ir { parts.append(ir.hasSuffix("\n") ? String(ir.dropLast()) : ir) }
            if !summaryOnly && !irOnly { parts.append("") }
            if !irOnly {
                parts.append(summary.text.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "// " + $0 }.joined(separator: "\n"))
            }
            return parts.joined(separator: "\n")
        }
    }

    /// Inspects a model (`.onnx`, Keras, `.hepir`) or a plan (`.hepx`).
    public static func run(_ request: Request) throws(DriverError) -> any CommandOutcome {
        if let path = request.tileMap { try drawTileMap(request, to: path) }
        if request.model.path.hasSuffix(".hepx") {
            return PlanReport(try PlanRunner.read(request.model.path))
        }
        let loaded = try request.model.load()
        let ir = loaded.graph.printed(PrintOptions(weights: request.weights ? .all : .elided(above: 16)))
        return ModelOutcome(summary: ModelSummary(loaded.graph), format: loaded.format.rawValue, ir: ir,
                            summaryOnly: request.summaryOnly, irOnly: request.irOnly)
    }

    /// Writes the tile map: the plan's tiles, or the model's plan before and
    /// after the user's passes (e.g. `--passes permute`).
    static func drawTileMap(_ request: Request, to path: String) throws(DriverError) {
        var panels: [(title: String, plan: Plan)] = []
        let model = request.model
        if model.path.hasSuffix(".hepx") {
            let plan = try PlanRunner.read(model.path)
            panels.append(("\(plan.model): plan tiles \(plan.tile.t1)x\(plan.tile.t2)", plan))
        } else {
            let (t1, t2) = request.tile
            let options = PlanCompiler.Options(t1: t1, t2: t2)
            let (before, _) = try PlanRunner.compile(model.path, options: options, configPath: model.config)
            panels.append(("\(before.model): as imported, \(t1)x\(t2) tiles", before))
            if let passes = model.passes, !passes.isEmpty {
                let (after, _) = try PlanRunner.compile(model.path, options: options, passes: passes, configPath: model.config)
                panels.append(("after --passes \(passes)", after))
            }
        }
        try OutputFile.write(TileMap.svg(panels), to: path)
    }
}
