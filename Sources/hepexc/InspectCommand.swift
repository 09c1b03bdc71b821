import ArgumentParser
import HepexcDriver

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
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
    var tile: TileChoice = .fixed(t1: 16, t2: 16)

    @Flag(name: .long, help: "Print only the summary, not the IR.")
    var summaryOnly = false

    @Flag(name: .long, help: "Print only the IR (a valid .hepir file), not the summary.")
    var irOnly = false

    func validate() throws {
        if summaryOnly && irOnly { throw ValidationError("--summary-only and --ir-only exclude each other") }
        if tile.isAuto { throw ValidationError("--tile for --tile-map must be a shape such as 16x16") }
        try Console.validate { () throws(DriverError) in try tile.validate() }
    }

    func run() throws {
        let shape = tile.shapes.first ?? (16, 16)
        let request = Inspection.Request(model: modelOptions.request, weights: weights, summaryOnly: summaryOnly,
                                         irOnly: irOnly, tileMap: tileMap, tile: shape)
        try Console.run(json: output.json) { () throws(DriverError) in try Inspection.run(request) }
    }
}
