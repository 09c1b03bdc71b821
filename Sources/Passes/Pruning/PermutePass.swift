public import HepexcIR
public import HepexcPlan

/// `permute`: reorders the neurons of dense layers and the channels of
/// convolutions so that zero weights gather into whole tiles (HE-PEx). Each
/// permutable axis (input features or channels, hidden neurons or channels,
/// outputs; ``PermutationChain``) is clustered by
/// ``BalancedKMeans`` over its grouped 0/1 masks — a neuron's row in the layer
/// before concatenated with its column in the layer after, OR-reduced over
/// the other axis's tile blocks — into clusters of exactly one tile extent,
/// axis after axis (columns, then rows, alternating along the chain), while
/// the number of non-zero tiles decreases. Adjacent layers are co-permuted
/// (a layer's rows, bias and the per-neuron constants after it move with the
/// next layer's columns), so the function is unchanged; only the input and
/// output permutations remain, as one `permute` after the input and one
/// before the output (or before a softmax/argmax tail), which the plan
/// compiler hands to the client. Deterministic for a given `seed`.
public struct PermutePass: Pass {
    public static let name = "permute"
    public static let summary = "HE-PEx: co-permute neurons and conv channels so zeros gather into whole tiles (balanced k-means)"
    public static let optionHelp = [
        (key: "tile", help: "tile shape t1xt2 of the plan (default 16x16)"),
        (key: "first-form", help: "the first dense layer's form A or B (default: the compiler's choice)"),
        (key: "diagonal", help: "true (default) or false: whether the compiler may use Type-D layers (compile --no-diagonal), which decides every layer's orientation"),
        (key: "iterations", help: "at most this many rounds over all axes (default 5)"),
        (key: "kmeans-iterations", help: "at most this many k-means iterations per axis (default 20)"),
        (key: "seed", help: "0 (default): start from the current order; otherwise also try a seeded random start per axis"),
        (key: "pack-threshold", help: "the prune-pack threshold that follows: also gather non-zeros into tiles that survive it"),
    ]

    public var tile: (t1: Int, t2: Int)
    public var firstForm: FCForm?
    /// Whether the plan may use Type-D layers: the same choice as the
    /// compiler's, so the pruned blocks are the blocks it packs.
    public var diagonal: Bool
    public var iterations: Int
    public var kmeansIterations: Int
    public var seed: UInt64
    /// `prune-pack`'s threshold when one follows (``PackAwareSwaps``).
    public var packThreshold: Double?

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        tile = try PruningOptions.tile(options["tile"], pass: Self.name)
        firstForm = try PruningOptions.form(options["first-form"], pass: Self.name)
        diagonal = try PruningOptions.flag(options["diagonal"], key: "diagonal", pass: Self.name, default: true)
        iterations = try PruningOptions.integer(options["iterations"], key: "iterations", pass: Self.name, default: 5)
        kmeansIterations = try PruningOptions.integer(options["kmeans-iterations"], key: "kmeans-iterations",
                                                      pass: Self.name, default: 20)
        seed = UInt64(try PruningOptions.integer(options["seed"], key: "seed", pass: Self.name, default: 0))
        if let text = options["pack-threshold"] {
            packThreshold = try PruningOptions.ratio(text, key: "pack-threshold", pass: Self.name, default: 0)
        }
    }

    public var options: [String: String] {
        var result = ["tile": "\(tile.t1)x\(tile.t2)", "iterations": "\(iterations)",
                      "kmeans-iterations": "\(kmeansIterations)", "seed": "\(seed)"]
        if let firstForm { result["first-form"] = firstForm.rawValue }
        if !diagonal { result["diagonal"] = "false" }
        if let packThreshold { result["pack-threshold"] = "\(packThreshold)" }
        return result
    }

    public func run(on graph: inout Graph) throws(PassError) {
        let all = try PrunableLayer.layers(in: graph, tile: tile, firstForm: firstForm, diagonal: diagonal, pass: Self.name)
        let chain = try PermutationChain(graph, layers: all, pass: Self.name)
        guard !chain.layers.isEmpty else { return }
        var search = PermutationSearch(layers: chain.layers, permutable: chain.permutable,
                                       masks: chain.layers.map { layer in layer.values(in: graph).map { $0 != 0 } },
                                       columnGroups: chain.columnGroups)
        search.packThreshold = packThreshold
        search.run(iterations: iterations, kmeansIterations: kmeansIterations, seed: seed)
        PermutationRewriter(chain: chain, permutations: search.permutations).apply(to: &graph)
    }
}
