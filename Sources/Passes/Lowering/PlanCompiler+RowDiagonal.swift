public import HepexcIR
public import HepexcPlan

extension PlanCompiler {
    /// The last dense layer where ``chooseForms`` picked row diagonals from
    /// its shape: packed both ways, the row-diagonal form is kept only if it
    /// is still cheaper with the zero tiles and diagonals of this weight
    /// skipped (a pruned layer's empty Type-A tiles are products and output
    /// reductions saved; its diagonals rarely empty).
    static func packLastDense(name: String, weight: Tensor, bias: Tensor?, tile: TileShape) -> FullyConnectedLayer {
        let rows = packRowDiagonal(name: name, weight: weight, bias: bias, tile: tile)
        let typeA = pack(name: name, weight: weight, bias: bias, form: .typeA, tile: tile, isLast: true)
        return cost(rowDiagonal: rows, tile: tile) < cost(typeA: typeA, tile: tile) ? rows : typeA
    }

    /// Products plus rotations weighted as ``rotationWeight`` products.
    static func cost(rowDiagonal fc: FullyConnectedLayer, tile: TileShape) -> Int {
        let census = fc.rowDiagonalCensus(t2: tile.t2) { _ in true }
        let giants = (0..<(fc.outputGroups ?? 0)).reduce(0) { $0 + census.giants(ofGroup: $1).filter { $0 > 0 }.count }
        return fc.tiles.count + rotationWeight * (census.babyRotations + giants)
    }

    static func cost(typeA fc: FullyConnectedLayer, tile: TileShape) -> Int {
        let outputs = Set(fc.tiles.map(\.row)).count
        return fc.tiles.count + rotationWeight * outputs * TileShape.log2(tile.t2)
    }

    /// A rotation costs about as much as this many ct×pt products at the
    /// same level (`hepexc bench ckks`, N = 2^14: 22–30 at 2–7 limbs; the
    /// baby rotations are hoisted, so cheaper).
    static var rotationWeight: Int { 16 }

    /// The non-zero row diagonals of `weight` ([out, in]) for a last layer in
    /// the row-diagonal form (``FCForm/rowDiagonal``): tile (c, G·t2 + r)
    /// is diagonal r of input tile c for output group G.
    static func packRowDiagonal(name: String, weight: Tensor, bias: Tensor?, tile: TileShape) -> FullyConnectedLayer {
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let groups = FullyConnectedLayer.rowDiagonalGroups(outFeatures: outFeatures, tile: tile)
        let inputTiles = (inFeatures + tile.t2 - 1) / tile.t2
        let scalars = weight.scalars
        let t2 = tile.t2
        var tiles: [WeightTile] = []
        var values = [Float](repeating: 0, count: tile.t1 * t2)
        for c in 0..<inputTiles {
            for group in 0..<groups {
                for r in 0..<t2 where FullyConnectedLayer.rowDiagonalValues(
                    group: group, diagonal: r, inputTile: c, tile: tile, outFeatures: outFeatures, inFeatures: inFeatures,
                    scalars: scalars, into: &values) {
                    tiles.append(WeightTile(row: c, col: group * t2 + r, values: values))
                }
            }
        }
        return FullyConnectedLayer(name: name, form: .rowDiagonal, inFeatures: inFeatures, outFeatures: outFeatures,
                                   gridRows: inputTiles, gridCols: groups * tile.t2, tiles: tiles,
                                   bias: bias.map { $0.scalars.map(Float.init) }, isLast: true, outputGroups: groups)
    }

    /// ``packRowDiagonal(name:weight:bias:tile:)`` for a weight without zeros,
    /// values left out (a `--tile auto` skeleton): diagonal (c, G, r) is stored
    /// exactly when some position of it reads inside W — for j < t2, input
    /// c·t2 + (j + r) mod t2 < n and output G·t1·t2 + j < m (row 0 has the
    /// group's smallest outputs).
    static func rowDiagonalSkeleton(name: String, weight: Tensor, bias: Tensor?, tile: TileShape) -> FullyConnectedLayer {
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let groups = FullyConnectedLayer.rowDiagonalGroups(outFeatures: outFeatures, tile: tile)
        let inputTiles = (inFeatures + tile.t2 - 1) / tile.t2
        let t2 = tile.t2
        var tiles: [WeightTile] = []
        for c in 0..<inputTiles {
            for group in 0..<groups {
                for r in 0..<t2 where (0..<t2).contains(where: { j in
                    c * t2 + (j + r) % t2 < inFeatures && group * tile.t1 * t2 + j < outFeatures
                }) {
                    tiles.append(WeightTile(row: c, col: group * t2 + r, values: []))
                }
            }
        }
        return FullyConnectedLayer(name: name, form: .rowDiagonal, inFeatures: inFeatures, outFeatures: outFeatures,
                                   gridRows: inputTiles, gridCols: groups * t2, tiles: tiles,
                                   bias: bias.map { $0.scalars.map(Float.init) }, isLast: true, outputGroups: groups)
    }
}
