import ArgumentParser
import HepexcDriver
import HepexcIR
import HepexcPasses
import HepexcPlan

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's IR and summary, or a compiled plan's tiles, op counts, levels and keys.",
        discussion: """
        Weights with more than 16 values print as `elided` unless --weights is given. \
        With --json, prints one object with keys: model, format, inputs, outputs, ops, op_count, \
        parameters, layers, not_he_friendly, metadata, ir. For a plan (.hepx): per layer the tile grid, weight \
        tiles stored vs total, tile sparsity, HE op counts, levels; rotation keys and their size; estimated \
        latency and memory (keys in docs/cli.md).
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Print every weight value in the IR.")
    var weights = false

    @Option(name: .long, help: "Draw the weight-tile grids (zero tiles blank, density shaded) to this SVG file: for a model, before and after --passes; for a plan, its tiles.")
    var tileMap: String?

    @Option(name: .long, help: "Tile shape for --tile-map on a model.")
    var tile: TileArgument = TileArgument(argument: "16x16")!

    @Flag(name: .long, help: "Print only the summary, not the IR.")
    var summaryOnly = false

    @Flag(name: .long, help: "Print only the IR (a valid .hepir file), not the summary.")
    var irOnly = false

    func validate() throws {
        if summaryOnly && irOnly { throw ValidationError("--summary-only and --ir-only exclude each other") }
    }

    struct Report: Encodable {
        var summary: ModelSummary
        var format: String
        var ir: String?

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(format, forKey: .format)
            try container.encodeIfPresent(ir, forKey: .ir)
        }

        enum Keys: String, CodingKey { case format, ir }
    }

    func run() throws {
        try Console.run {
            if let tileMap { try drawTileMap(to: tileMap) }
            if modelOptions.model.hasSuffix(".hepx") {
                let report = PlanReport(try PlanRunner.read(modelOptions.model))
                if output.json { try Console.printJSON(report) } else { print(report.text) }
                return
            }
            let loaded = try modelOptions.load()
            let ir = loaded.graph.printed(PrintOptions(weights: weights ? .all : .elided(above: 16)))
            let summary = ModelSummary(loaded.graph)
            if output.json {
                try Console.printJSON(Report(summary: summary, format: loaded.format.rawValue, ir: summaryOnly ? nil : ir))
                return
            }
            if !summaryOnly { print(ir, terminator: "") }
            if !summaryOnly && !irOnly { print("") }
            if !irOnly { print(summary.text.split(separator: "\n", omittingEmptySubsequences: false).map { "// " + $0 }.joined(separator: "\n")) }
        }
    }

    /// Writes the tile map: the plan's tiles, or the model's plan before and
    /// after the user's passes (e.g. `--passes permute`).
    func drawTileMap(to path: String) throws {
        var panels: [(title: String, plan: Plan)] = []
        if modelOptions.model.hasSuffix(".hepx") {
            let plan = try PlanRunner.read(modelOptions.model)
            panels.append(("\(plan.model): plan tiles \(plan.tile.t1)x\(plan.tile.t2)", plan))
        } else {
            let options = PlanCompiler.Options(t1: tile.t1, t2: tile.t2)
            let (before, _) = try PlanRunner.compile(modelOptions.model, options: options, configPath: modelOptions.config)
            panels.append(("\(before.model): as imported, \(tile.t1)x\(tile.t2) tiles", before))
            if let passes = modelOptions.passes, !passes.isEmpty {
                let (after, _) = try PlanRunner.compile(modelOptions.model, options: options, passes: passes, configPath: modelOptions.config)
                panels.append(("after --passes \(passes)", after))
            }
        }
        try Console.write(TileMap.svg(panels), to: path)
    }
}
