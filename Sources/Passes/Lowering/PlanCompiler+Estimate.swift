public import HepexcPlan
internal import HepexcIR

/// A plan compiled from the weights' shapes and zero pattern alone (`--tile
/// auto`'s candidates, issue 17): everything of the full plan — parameters,
/// tile shape, layers with their grids and which weight tiles are stored,
/// rotation steps, bounds, bootstrap steps — except the values of the Type-A
/// and Type-B weight tiles, which are empty. Its operation counts, memory and
/// latency estimates (``Plan/layerCosts()``) are exactly the full plan's;
/// its error estimate, validation and serialization are not available
/// (``PlanCompiler/compile(_:)-(Lowered)`` gives the full plan).
public struct PlanSkeleton: Sendable {
    /// The plan with value-less weight tiles: not to be validated, written or run.
    public var plan: Plan
}

extension PlanCompiler {
    /// The plan ``compile(_:)-(Lowered)`` would give, as a skeleton: the same
    /// steps and checks (and so the same errors), but Type-A/B weight tiles
    /// only counted from the memoised zero pattern (``TileOccupancy``) and no
    /// validation. `nil` when the plan depends on the weights' values beyond
    /// their zero pattern: a precision target (`--precision`) chooses the
    /// scale by the error estimate.
    /// - Throws: what `compile` throws before packing.
    public func estimate(_ lowered: Lowered) throws(PassError) -> PlanSkeleton? {
        guard options.precision == nil else { return nil }
        var options = options
        options.shapeOnly = true
        return PlanSkeleton(plan: try PlanCompiler(options: options).compileWithTiers(lowered))
    }

    /// The plan layers of `lowered` under `tile`: packed weights
    /// (``packLayers(_:forms:tile:packed:_:)``), or with `shapeOnly` the
    /// skeleton's layers (Type-D layers are packed once per t2 and kept,
    /// row-diagonal layers packed as they are).
    static func layers(_ lowered: Lowered, forms: [FCForm], tile: TileShape, packed: Bool, shapeOnly: Bool,
                       _ fail: (String) -> PassError) throws(PassError) -> [PlanLayer] {
        guard shapeOnly, !packed else {
            return try packLayers(lowered.steps, forms: forms, tile: tile, packed: packed, fail)
        }
        let denseCount = lowered.denseShapes.count
        var layers: [PlanLayer] = []
        var seenDense = 0
        for step in lowered.steps {
            switch step {
            case let .dense(name, weight, bias):
                let (form, isLast, index) = (forms[seenDense], seenDense == denseCount - 1, seenDense)
                switch form {
                case .diagonal:
                    layers.append(.fullyConnected(lowered.occupancy.diagonal(step: index, t2: tile.t2) {
                        packDiagonal(name: name, weight: weight, bias: bias, tile: tile, isLast: isLast)
                    }))
                case .rowDiagonal:
                    // Row diagonals (a wide last layer) are packed in full: their
                    // stored tiles are not blocks of the weight matrix.
                    // ``packLastDense(name:weight:bias:tile:)``'s choice, with the
                    // Type-A side as a skeleton (its cost reads only the stored tiles).
                    // Memoised per tile shape; a weight without zeros stores every
                    // diagonal that reaches into W, known from the shapes alone.
                    layers.append(.fullyConnected(lowered.occupancy.lastDense(step: index, t1: tile.t1, t2: tile.t2) {
                        let rows = lowered.occupancy.isDense(step: index, weight: weight)
                            ? rowDiagonalSkeleton(name: name, weight: weight, bias: bias, tile: tile)
                            : packRowDiagonal(name: name, weight: weight, bias: bias, tile: tile)
                        let typeA = skeleton(step: index, lowered: lowered, name: name, weight: weight, bias: bias,
                                             form: .typeA, tile: tile, isLast: true)
                        return cost(rowDiagonal: rows, tile: tile) < cost(typeA: typeA, tile: tile) ? rows : typeA
                    }))
                case .typeA, .typeB:
                    layers.append(.fullyConnected(skeleton(step: index, lowered: lowered, name: name, weight: weight, bias: bias,
                                                           form: form, tile: tile, isLast: isLast)))
                }
                seenDense += 1
            case let .poly(coefficients, name):
                layers.append(.polynomial(PolynomialLayer(name: name, coefficients: coefficients)))
            }
        }
        return layers
    }

    /// The layer ``pack(name:weight:bias:form:tile:isLast:)`` gives, with the
    /// same stored tiles in the same order, but each tile's `values` empty.
    static func skeleton(step: Int, lowered: Lowered, name: String, weight: Tensor, bias: Tensor?, form: FCForm,
                         tile: TileShape, isLast: Bool) -> FullyConnectedLayer {
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let rows = form == .typeA ? (outFeatures + tile.t1 - 1) / tile.t1 : (inFeatures + tile.t1 - 1) / tile.t1
        let cols = form == .typeA ? (inFeatures + tile.t2 - 1) / tile.t2 : (outFeatures + tile.t2 - 1) / tile.t2
        var tiles: [WeightTile] = []
        if form == .typeA {
            // Tile (r, c) covers outputs r·t1… and inputs c·t2….
            let occupied = lowered.occupancy.blocks(step: step, weight: weight, rows: tile.t1, columns: tile.t2)
            tiles.reserveCapacity(occupied.reduce(0) { $0 + ($1 ? 1 : 0) })
            for r in 0..<rows {
                for c in 0..<cols where occupied[r * cols + c] { tiles.append(WeightTile(row: r, col: c, values: [])) }
            }
        } else {
            // Tile (r, c) covers inputs r·t1… and outputs c·t2…: the block
            // grid is over outputs × inputs, so read it transposed.
            let occupied = lowered.occupancy.blocks(step: step, weight: weight, rows: tile.t2, columns: tile.t1)
            tiles.reserveCapacity(occupied.reduce(0) { $0 + ($1 ? 1 : 0) })
            for r in 0..<rows {
                for c in 0..<cols where occupied[c * rows + r] { tiles.append(WeightTile(row: r, col: c, values: [])) }
            }
        }
        return FullyConnectedLayer(name: name, form: form, inFeatures: inFeatures, outFeatures: outFeatures,
                                   gridRows: rows, gridCols: cols, tiles: tiles,
                                   bias: bias.map { $0.scalars.map(Float.init) }, isLast: isLast)
    }
}

extension PlanCompiler {
    /// The weight tiles the first layer stores under `form` (A or B) and a
    /// t1×t2 tile, when the model starts with a dense step; `nil` otherwise
    /// (Type D, or a polynomial first). Every input tile of the first layer is
    /// a ciphertext, so each stored tile is one ct×pt multiply per batch
    /// ciphertext: a lower bound on a candidate's work known before any plan
    /// is built (`--tile auto` skips candidates it proves slower than the
    /// best so far).
    public static func firstLayerStoredTiles(_ lowered: Lowered, form: FCForm, t1: Int, t2: Int) -> Int? {
        guard form == .typeA || form == .typeB, let first = lowered.steps.first, case let .dense(_, weight, _) = first,
              weight.shape.count == 2 else { return nil }
        let occupied = form == .typeA ? lowered.occupancy.blocks(step: 0, weight: weight, rows: t1, columns: t2)
            : lowered.occupancy.blocks(step: 0, weight: weight, rows: t2, columns: t1)
        return occupied.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
}
