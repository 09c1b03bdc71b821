public import HepexcIR
public import HepexcPlan

/// Per-layer weight and tile sparsity of a graph for a tile shape, in each
/// layer's plan orientation (``PrunableLayer``).
public struct TileStatistics: Sendable, Equatable, Codable {
    public struct Layer: Sendable, Equatable, Codable {
        public var name: String
        public var form: String
        public var rows: Int
        public var columns: Int
        public var weights: Int
        public var zeroWeights: Int
        public var tiles: Int
        public var zeroTiles: Int

        public var weightSparsity: Double { weights == 0 ? 0 : Double(zeroWeights) / Double(weights) }
        public var tileSparsity: Double { tiles == 0 ? 0 : Double(zeroTiles) / Double(tiles) }
    }

    public var tile: [Int]
    public var layers: [Layer]

    public var tiles: Int { layers.reduce(0) { $0 + $1.tiles } }
    public var zeroTiles: Int { layers.reduce(0) { $0 + $1.zeroTiles } }
    public var tileSparsity: Double { tiles == 0 ? 0 : Double(zeroTiles) / Double(tiles) }
    public var weightSparsity: Double {
        let weights = layers.reduce(0) { $0 + $1.weights }
        return weights == 0 ? 0 : Double(layers.reduce(0) { $0 + $1.zeroWeights }) / Double(weights)
    }

    /// Measures `graph` (dense and conv2d weights as matrices; a conv's
    /// tiles here are those of its `[O, I·kh·kw]` weight, not of the
    /// Toeplitz matrix the plan builds).
    public init(_ graph: Graph, t1: Int, t2: Int, firstForm: FCForm? = nil, diagonal: Bool = true) throws(PassError) {
        tile = [t1, t2]
        layers = []
        for layer in try PrunableLayer.layers(in: graph, tile: (t1, t2), firstForm: firstForm, diagonal: diagonal, pass: "tile-statistics") {
            let values = layer.values(in: graph)
            let (_, nonZero) = layer.tileCounts(values)
            layers.append(Layer(name: layer.name, form: layer.form.rawValue, rows: layer.rows, columns: layer.columns,
                                weights: values.count, zeroWeights: values.filter { $0 == 0 }.count,
                                tiles: layer.tileCount, zeroTiles: nonZero.filter { $0 == 0 }.count))
        }
    }
}
