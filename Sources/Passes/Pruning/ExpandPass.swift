public import HepexcIR
public import HepexcPlan

/// `expand` (P3E, P4E): re-enables every weight inside a surviving tile (a
/// tile with at least one non-zero weight, in its layer's plan orientation)
/// and restores those weights' trained values from the copy `prune` kept —
/// free under HE, since a surviving tile costs a whole multiply anyway. The
/// mask becomes tile-granular (`tile = [rowBlock, columnBlock]` of W); the
/// trained copy is dropped. Retraining then keeps the pruned tiles at 0.
public struct ExpandPass: Pass {
    public static let name = "expand"
    public static let summary = "P3E/P4E: re-enable all weights inside surviving tiles, restoring trained values"
    public static let optionHelp = [
        (key: "tile", help: "tile shape t1xt2 of the plan (default 16x16)"),
        (key: "first-form", help: "the first dense layer's form A or B (default: the compiler's choice)"),
        (key: "diagonal", help: "true (default) or false: whether the compiler may use Type-D layers (compile --no-diagonal), which decides every layer's orientation"),
    ]

    public var tile: (t1: Int, t2: Int)
    public var firstForm: FCForm?
    /// Whether the plan may use Type-D layers: the same choice as the
    /// compiler's, so the pruned blocks are the blocks it packs.
    public var diagonal: Bool

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        tile = try PruningOptions.tile(options["tile"], pass: Self.name)
        firstForm = try PruningOptions.form(options["first-form"], pass: Self.name)
        diagonal = try PruningOptions.flag(options["diagonal"], key: "diagonal", pass: Self.name, default: true)
    }

    public var options: [String: String] {
        var result = ["tile": "\(tile.t1)x\(tile.t2)"]
        if let firstForm { result["first-form"] = firstForm.rawValue }
        if !diagonal { result["diagonal"] = "false" }
        return result
    }

    public func run(on graph: inout Graph) throws(PassError) {
        for layer in try PrunableLayer.layers(in: graph, tile: tile, firstForm: firstForm, diagonal: diagonal, pass: Self.name) {
            guard var constant = graph.constants[layer.weight], var tensor = constant.value,
                  let oldMask = constant.attributes["mask"]?.stringValue else { continue }
            let (_, nonZero) = layer.tileCounts(tensor.scalars)
            let trainedName = constant.attributes[PruningMasks.trainedAttribute]?.stringValue
            let trained = trainedName.flatMap { graph.constants[$0]?.value?.scalars }
            for r in 0..<layer.rows {
                for c in 0..<layer.columns {
                    let index = r * layer.columns + c
                    if nonZero[layer.tile(row: r, column: c)] > 0 {
                        if tensor.scalars[index] == 0, let trained { tensor.scalars[index] = trained[index] }
                    } else {
                        tensor.scalars[index] = 0
                    }
                }
            }
            graph.constants.removeValue(forKey: oldMask)
            if let trainedName { graph.constants.removeValue(forKey: trainedName) }
            let maskName = PruningMasks.uniqueName(layer.weight + ".tiles", in: graph)
            let tiles = Tensor(shape: [layer.gridRows, layer.gridColumns],
                               scalars: nonZero.map { $0 > 0 ? 1 : 0 }, elementType: .f32)
            graph.constants[maskName] = Constant(tiles, attributes: [
                "granularity": .string("tile"), "tile": .ints([layer.rowBlock, layer.columnBlock]),
            ])
            constant.value = tensor
            constant.attributes["mask"] = .string(maskName)
            constant.attributes[PruningMasks.trainedAttribute] = nil
            graph.constants[layer.weight] = constant
        }
    }
}
