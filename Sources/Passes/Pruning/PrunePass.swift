public import HepexcIR

/// `prune`: the first HE-PEx pruning step (P2…P4E). Zeroes a fraction of
/// every `dense`/`conv2d` weight through an element mask (docs/ir.md) and
/// keeps the weight's values from before pruning as its trained copy, which
/// `expand` restores.
///
/// - scope `local`: each layer loses `ratio` of its entries (or its own
///   `schedule` ratio); `global`: one ranking across all layers.
/// - criterion `l1`: smallest |w| first; `random`: seeded random order.
/// - target `weight`: single entries; `neuron`: whole output neurons or
///   channels (rows of the matrix), ranked by their mean |w|.
///
/// Pruning is cumulative: entries already masked count toward the ratio and
/// stay masked.
public struct PrunePass: Pass {
    public static let name = "prune"
    public static let summary = "HE-PEx step 1: mask a fraction of each weight (L1 or random; local or global; weights or neurons)"
    public static let optionHelp = [
        (key: "ratio", help: "fraction of entries (or neurons) to prune, in [0, 1] (default 0.5)"),
        (key: "scope", help: "local (per layer, default) or global (one ranking over all layers)"),
        (key: "criterion", help: "l1 (smallest magnitude, default) or random"),
        (key: "target", help: "weight (default) or neuron (whole output neurons/channels)"),
        (key: "schedule", help: "per-layer ratios for local scope, e.g. fc1:0.9;fc2:0.5 (layers not named use ratio)"),
        (key: "seed", help: "seed of the random criterion (default 0)"),
    ]

    public var ratio: Double
    public var scope: String
    public var criterion: String
    public var target: String
    public var schedule: [String: Double]
    public var seed: UInt64

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        ratio = try PruningOptions.ratio(options["ratio"], pass: Self.name, default: 0.5)
        scope = try PruningOptions.choice(options["scope"], key: "scope", allowed: ["local", "global"], pass: Self.name)
        criterion = try PruningOptions.choice(options["criterion"], key: "criterion", allowed: ["l1", "random"], pass: Self.name)
        target = try PruningOptions.choice(options["target"], key: "target", allowed: ["weight", "neuron"], pass: Self.name)
        seed = UInt64(try PruningOptions.integer(options["seed"], key: "seed", pass: Self.name, default: 0))
        schedule = try PruningOptions.schedule(options["schedule"], scope: scope, pass: Self.name)
    }

    public var options: [String: String] {
        var result = ["ratio": "\(ratio)", "scope": scope, "criterion": criterion, "target": target]
        if !schedule.isEmpty {
            result["schedule"] = schedule.keys.sorted().map { "\($0):\(schedule[$0] ?? 0)" }.joined(separator: ";")
        }
        if criterion == "random" { result["seed"] = "\(seed)" }
        return result
    }

    public func run(on graph: inout Graph) throws(PassError) {
        let layers = try PrunableLayer.layers(in: graph, tile: nil, pass: Self.name)
        try PruningOptions.checkSchedule(schedule, layers, pass: Self.name)
        var generator = SplitMix64.pruning(seed: seed)
        // One item per prunable unit: (layer, unit, already masked, score).
        var items: [[(unit: Int, masked: Bool, score: Double)]] = []
        for layer in layers {
            let values = layer.values(in: graph), mask = layer.mask(in: graph)
            var layerItems: [(Int, Bool, Double)] = []
            if target == "weight" {
                for index in values.indices {
                    let score = criterion == "l1" ? abs(values[index]) : generator.nextUnitDouble()
                    layerItems.append((index, mask[index] == 0, score))
                }
            } else {
                for row in 0..<layer.rows {
                    let slice = (row * layer.columns)..<((row + 1) * layer.columns)
                    let masked = slice.allSatisfy { mask[$0] == 0 }
                    let score = criterion == "l1" ? slice.reduce(0) { $0 + abs(values[$1]) } / Double(layer.columns)
                                                  : generator.nextUnitDouble()
                    layerItems.append((row, masked, score))
                }
            }
            items.append(layerItems)
        }
        func ordered(_ a: (masked: Bool, score: Double, key: Int), _ b: (masked: Bool, score: Double, key: Int)) -> Bool {
            if a.masked != b.masked { return a.masked }
            if a.score != b.score { return a.score < b.score }
            return a.key < b.key
        }
        var pruned: [Set<Int>] = Array(repeating: [], count: layers.count)
        if scope == "local" {
            for (l, layer) in layers.enumerated() {
                let layerRatio = schedule[layer.name] ?? schedule[layer.weight] ?? ratio
                let count = Int((Double(items[l].count) * layerRatio).rounded())
                let sorted = items[l].sorted { ordered(($0.masked, $0.score, $0.unit), ($1.masked, $1.score, $1.unit)) }
                pruned[l] = Set(sorted.prefix(count).map(\.unit))
            }
        } else {
            var all: [(layer: Int, unit: Int, masked: Bool, score: Double, key: Int)] = []
            var offset = 0
            for (l, layerItems) in items.enumerated() {
                for item in layerItems { all.append((l, item.unit, item.masked, item.score, offset + item.unit)) }
                offset += layerItems.count
            }
            let count = Int((Double(all.count) * ratio).rounded())
            all.sort { ordered(($0.masked, $0.score, $0.key), ($1.masked, $1.score, $1.key)) }
            for item in all.prefix(count) { pruned[item.layer].insert(item.unit) }
        }
        for (l, layer) in layers.enumerated() {
            var mask = layer.mask(in: graph)
            for unit in pruned[l] {
                if target == "weight" {
                    mask[unit] = 0
                } else {
                    for c in 0..<layer.columns { mask[unit * layer.columns + c] = 0 }
                }
            }
            PruningMasks.apply(mask: mask, to: layer.weight, in: &graph)
        }
    }
}

extension SplitMix64 {
    /// The generator of the random pruning criterion and the permutation
    /// restarts (the seed is offset by one golden-ratio step).
    static func pruning(seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }
}
