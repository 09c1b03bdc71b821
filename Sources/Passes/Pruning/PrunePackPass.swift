public import HepexcIR
public import HepexcPlan

/// `prune-pack` (P4, P4E): after permutation, prunes every weight tile (in
/// its layer's plan orientation) whose fraction of non-zero entries is below
/// `threshold` — tiles that cost a whole ciphertext multiply for a few
/// weights.
public struct PrunePackPass: Pass {
    public static let name = "prune-pack"
    public static let summary = "P4/P4E: prune tiles whose fraction of non-zeros is below a threshold"
    public static let optionHelp = [
        (key: "threshold", help: "prune tiles with a non-zero fraction below this, in [0, 1] (default 0.0625)"),
        (key: "tile", help: "tile shape t1xt2 of the plan (default 16x16)"),
        (key: "first-form", help: "the first dense layer's form A or B (default: the compiler's choice)"),
        (key: "diagonal", help: "true (default) or false: whether the compiler may use Type-D layers (compile --no-diagonal), which decides every layer's orientation"),
    ]

    public var threshold: Double
    public var tile: (t1: Int, t2: Int)
    public var firstForm: FCForm?
    /// Whether the plan may use Type-D layers: the same choice as the
    /// compiler's, so the pruned blocks are the blocks it packs.
    public var diagonal: Bool

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        threshold = try PruningOptions.ratio(options["threshold"], key: "threshold", pass: Self.name, default: 0.0625)
        tile = try PruningOptions.tile(options["tile"], pass: Self.name)
        firstForm = try PruningOptions.form(options["first-form"], pass: Self.name)
        diagonal = try PruningOptions.flag(options["diagonal"], key: "diagonal", pass: Self.name, default: true)
    }

    public var options: [String: String] {
        var result = ["threshold": "\(threshold)", "tile": "\(tile.t1)x\(tile.t2)"]
        if let firstForm { result["first-form"] = firstForm.rawValue }
        if !diagonal { result["diagonal"] = "false" }
        return result
    }

    public func run(on graph: inout Graph) throws(PassError) {
        for layer in try PrunableLayer.layers(in: graph, tile: tile, firstForm: firstForm, diagonal: diagonal, pass: Self.name) {
            let values = layer.values(in: graph)
            let (entries, nonZero) = layer.tileCounts(values)
            let drop = (0..<layer.tileCount).map { nonZero[$0] > 0 && Double(nonZero[$0]) < threshold * Double(entries[$0]) }
            guard drop.contains(true) || graph.constants[layer.weight]?.attributes["mask"] == nil else { continue }
            var mask = layer.mask(in: graph)
            for r in 0..<layer.rows {
                for c in 0..<layer.columns where drop[layer.tile(row: r, column: c)] { mask[r * layer.columns + c] = 0 }
            }
            PruningMasks.apply(mask: mask, to: layer.weight, in: &graph)
        }
    }
}
