/// One step of a plan.
public enum PlanLayer: Sendable, Codable, Equatable {
    case fullyConnected(FullyConnectedLayer)
    case polynomial(PolynomialLayer)
    /// A dense map over batch-packed features (convolution packing, issue 17).
    case packed(PackedLayer)
    /// Refresh every live ciphertext (CKKS bootstrapping; ``BootstrapStep``).
    case bootstrap(BootstrapStep)

    public var name: String {
        switch self {
        case .fullyConnected(let layer): return layer.name
        case .polynomial(let layer): return layer.name
        case .packed(let layer): return layer.name
        case .bootstrap(let step): return step.name
        }
    }
}

/// The tile-tensor forms of a fully connected layer (design.md): A and B
/// alternate so that no transpose is ever needed; D replaces A for a layer
/// that fits one tile.
public enum FCForm: String, Sendable, Codable {
    /// Input `[*/t1, n/t2, b/t3]`, weights `W[m/t1, n/t2]`, sum over dim 1,
    /// then mask + duplicate → output `[m/t1, */t2, b/t3]`.
    case typeA = "A"
    /// Input `[n/t1, */t2, b/t3]`, weights `Wᵀ[n/t1, m/t2]`, sum over dim 0
    /// → output `[*/t1, m/t2, b/t3]` (already duplicated).
    case typeB = "B"
    /// Diagonal (Halevi–Shoup) form of a layer with at most t2 outputs:
    /// input `[*/t1, n/t2, b/t3]` (as for Type A), stored
    /// tiles are the generalized diagonals of W (see ``DiagonalSchedule``),
    /// baby-step giant-step rotations, output `[*/t1, m/t2, b/t3]` (one
    /// tile) — the input layout again, so no mask and one level.
    case diagonal = "D"
    /// Row diagonals: the diagonal form of a *last* layer with more than t2
    /// outputs. Input `[*/t1, n/t2, b/t3]` (as for Type A); every t1·t2
    /// outputs share one output ciphertext (output f of group G = f / (t1·t2)
    /// at tile position (i, j) with i·t2 + j = f mod t1·t2), each row of the
    /// tile holding its own diagonals (``FullyConnectedLayer/rowDiagonalValues``).
    /// The baby rotations of each input tile are shared by every group: one
    /// level, no mask, (t2/B − 1) giant rotations per group and B − 1 baby
    /// rotations per input tile, where Type A needs log2(t2) per t1 outputs.
    case rowDiagonal = "R"
}

/// One t1×t2 block of a weight matrix in a layer's own orientation.
///
/// `values[i·t2 + j]` is the weight at tile position (i, j): for Type A,
/// `W[row·t1 + i, col·t2 + j]`; for Type B, `W[col·t2 + j, row·t1 + i]`.
/// A Type-D layer's tile is diagonal `r = col` of input tile `c = row`,
/// with t2 values: `values[j] = W[j mod d, c·t2 + (j + r) mod t2]` (0
/// outside W), d the schedule's width. A row-diagonal layer's tile is
/// diagonal `r = col mod t2` of input tile `c = row` for output group
/// `G = col / t2`, with t1·t2 values (``FullyConnectedLayer/rowDiagonalValues``).
public struct WeightTile: Sendable, Codable, Equatable {
    public var row: Int
    public var col: Int
    public var values: [Float]

    public init(row: Int, col: Int, values: [Float]) {
        self.row = row
        self.col = col
        self.values = values
    }
}

/// A dense layer y = W·x + b packed as tiles; zero tiles are absent.
public struct FullyConnectedLayer: Sendable, Codable, Equatable {
    public var name: String
    public var form: FCForm
    public var inFeatures: Int
    public var outFeatures: Int
    /// Tile-grid size along dim 0 and dim 1 in this layer's orientation
    /// (Type D: input tiles × diagonals).
    public var gridRows: Int
    public var gridCols: Int
    /// The non-zero tiles, sorted by (row, col).
    public var tiles: [WeightTile]
    /// `outFeatures` biases, or `nil`.
    public var bias: [Float]?
    /// Whether the output is decoded directly by the client (a Type-A layer
    /// then skips the mask and the duplication).
    public var isLast: Bool
    /// Output ciphertexts of a row-diagonal layer (`nil` for the other forms,
    /// and absent from their JSON).
    public var outputGroups: Int?

    public init(name: String, form: FCForm, inFeatures: Int, outFeatures: Int, gridRows: Int, gridCols: Int,
                tiles: [WeightTile], bias: [Float]?, isLast: Bool, outputGroups: Int? = nil) {
        self.name = name
        self.form = form
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.gridRows = gridRows
        self.gridCols = gridCols
        self.tiles = tiles
        self.bias = bias
        self.isLast = isLast
        self.outputGroups = outputGroups
    }

    /// Output ciphertexts: tile rows (Type A), tile columns (Type B), one
    /// (Type D), one per group (row diagonals).
    public var outputTileCount: Int {
        switch form {
        case .typeA: return gridRows
        case .typeB: return gridCols
        case .diagonal: return 1
        case .rowDiagonal: return outputGroups ?? 0
        }
    }
    /// Input ciphertexts consumed.
    public var inputTileCount: Int {
        switch form {
        case .typeA: return gridCols
        case .typeB: return gridRows
        case .diagonal, .rowDiagonal: return gridRows
        }
    }
    public var totalTiles: Int { gridRows * gridCols }

    /// Levels this layer consumes: the product's rescale, plus the mask's for
    /// a Type-A layer that is not last.
    public var depth: Int { form == .typeA && !isLast ? 2 : 1 }
}

/// An element-wise polynomial Σ cᵢ·xⁱ applied to every slot.
public struct PolynomialLayer: Sendable, Codable, Equatable {
    public var name: String
    public var coefficients: [Double]

    public init(name: String, coefficients: [Double]) {
        self.name = name
        self.coefficients = coefficients
    }

    /// The evaluation schedule (and with it the depth).
    public var schedule: PolynomialSchedule { PolynomialSchedule(coefficients: coefficients) }

    /// Levels consumed (see ``PolynomialSchedule``).
    public var depth: Int { schedule.depth }
}
