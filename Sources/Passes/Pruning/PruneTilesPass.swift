public import HepexcIR
public import HepexcPlan

/// `prune-tiles` (P2T, the Hunter-style baseline): cuts each weight into
/// tiles of its own plan orientation (``PrunableLayer``) and prunes whole
/// tiles with the lowest average, maximum or minimum |w|, a fraction
/// `ratio` of each layer's tiles (local) or of all tiles (global).
public struct PruneTilesPass: Pass {
    public static let name = "prune-tiles"
    public static let summary = "P2T: prune whole weight tiles by avg/max/min |w| (local or global)"
    public static let optionHelp = [
        (key: "ratio", help: "fraction of tiles to prune, in [0, 1] (default 0.5)"),
        (key: "metric", help: "avg (default), max or min of |w| over a tile"),
        (key: "scope", help: "local (per layer, default) or global"),
        (key: "schedule", help: "per-layer ratios for local scope, e.g. fc1:0.9;fc2:0.5 (layers not named use ratio)"),
        (key: "tile", help: "tile shape t1xt2 of the plan (default 16x16)"),
        (key: "first-form", help: "the first dense layer's form A or B (default: the compiler's choice)"),
        (key: "diagonal", help: "true (default) or false: whether the compiler may use Type-D layers (compile --no-diagonal), which decides every layer's orientation"),
    ]

    public var ratio: Double
    public var metric: String
    public var scope: String
    /// Per-layer ratios (local scope) by layer name; other layers use `ratio`.
    public var schedule: [String: Double]
    public var tile: (t1: Int, t2: Int)
    public var firstForm: FCForm?
    /// Whether the plan may use Type-D layers: the same choice as the
    /// compiler's, so the pruned blocks are the blocks it packs.
    public var diagonal: Bool

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        ratio = try PruningOptions.ratio(options["ratio"], pass: Self.name, default: 0.5)
        metric = try PruningOptions.choice(options["metric"], key: "metric", allowed: ["avg", "max", "min"], pass: Self.name)
        scope = try PruningOptions.choice(options["scope"], key: "scope", allowed: ["local", "global"], pass: Self.name)
        schedule = try PruningOptions.schedule(options["schedule"], scope: scope, pass: Self.name)
        tile = try PruningOptions.tile(options["tile"], pass: Self.name)
        firstForm = try PruningOptions.form(options["first-form"], pass: Self.name)
        diagonal = try PruningOptions.flag(options["diagonal"], key: "diagonal", pass: Self.name, default: true)
    }

    public var options: [String: String] {
        var result = ["ratio": "\(ratio)", "metric": metric, "scope": scope, "tile": "\(tile.t1)x\(tile.t2)"]
        if let form = firstForm { result["first-form"] = form.rawValue }
        if !diagonal { result["diagonal"] = "false" }
        if !schedule.isEmpty {
            result["schedule"] = schedule.keys.sorted().map { "\($0):\(schedule[$0] ?? 0)" }.joined(separator: ";")
        }
        return result
    }

    public func run(on graph: inout Graph) throws(PassError) {
        let layers = try PrunableLayer.layers(in: graph, tile: tile, firstForm: firstForm, diagonal: diagonal, pass: Self.name)
        try PruningOptions.checkSchedule(schedule, layers, pass: Self.name)
        var scores: [[Double]] = []
        for layer in layers {
            let values = layer.values(in: graph)
            var sum = [Double](repeating: 0, count: layer.tileCount)
            var maximum = [Double](repeating: 0, count: layer.tileCount)
            var minimum = [Double](repeating: .infinity, count: layer.tileCount)
            var count = [Int](repeating: 0, count: layer.tileCount)
            for r in 0..<layer.rows {
                for c in 0..<layer.columns {
                    let t = layer.tile(row: r, column: c), v = abs(values[r * layer.columns + c])
                    sum[t] += v
                    maximum[t] = max(maximum[t], v)
                    minimum[t] = min(minimum[t], v)
                    count[t] += 1
                }
            }
            scores.append((0..<layer.tileCount).map { t in
                switch metric {
                case "max": return maximum[t]
                case "min": return minimum[t]
                default: return sum[t] / Double(max(count[t], 1))
                }
            })
        }
        var pruned: [Set<Int>] = Array(repeating: [], count: layers.count)
        if scope == "local" {
            for l in layers.indices {
                let count = Int((Double(scores[l].count) * (schedule[layers[l].name] ?? schedule[layers[l].weight] ?? ratio)).rounded())
                let order = scores[l].indices.sorted { (scores[l][$0], $0) < (scores[l][$1], $1) }
                pruned[l] = Set(order.prefix(count))
            }
        } else {
            var all: [(score: Double, layer: Int, tile: Int)] = []
            for l in layers.indices { for t in scores[l].indices { all.append((scores[l][t], l, t)) } }
            all.sort { ($0.score, $0.layer, $0.tile) < ($1.score, $1.layer, $1.tile) }
            for item in all.prefix(Int((Double(all.count) * ratio).rounded())) { pruned[item.layer].insert(item.tile) }
        }
        for (l, layer) in layers.enumerated() {
            var mask = layer.mask(in: graph)
            for r in 0..<layer.rows {
                for c in 0..<layer.columns where pruned[l].contains(layer.tile(row: r, column: c)) {
                    mask[r * layer.columns + c] = 0
                }
            }
            PruningMasks.apply(mask: mask, to: layer.weight, in: &graph)
        }
    }
}

