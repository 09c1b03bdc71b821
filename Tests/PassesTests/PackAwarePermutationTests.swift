import HepexcIR
import HepexcPasses
import Testing

/// `permute{pack-threshold=…}`: the permutation also optimises for the
/// `prune-pack` that follows (min(non-zeros, keep count) per tile), without
/// changing the function.
@Suite struct PackAwarePermutationTests {
    /// Σ over the dense layers' tiles of min(non-zeros, ⌈threshold · entries⌉) for non-empty tiles.
    static func packCost(_ graph: Graph, tile: Int, threshold: Double) throws -> Int {
        var total = 0
        for layer in try PrunableLayer.layers(in: graph, tile: (tile, tile), pass: "test") {
            let (entries, nonZero) = layer.tileCounts(layer.values(in: graph))
            for t in 0..<layer.tileCount where nonZero[t] > 0 {
                let bound = threshold * Double(entries[t])
                let keep = max(1, Int(bound.rounded(.up)))
                total += min(nonZero[t], keep)
            }
        }
        return total
    }

    /// Non-zero weights that `prune-pack` removes.
    static func packedAway(_ graph: Graph, tile: Int, threshold: Double) throws -> Int {
        var packed = graph
        try PassManager(parsing: "prune-pack{threshold=\(threshold),tile=\(tile)x\(tile)}").run(on: &packed)
        let before = try TileStatistics(graph, t1: tile, t2: tile), after = try TileStatistics(packed, t1: tile, t2: tile)
        return after.layers.map(\.zeroWeights).reduce(0, +) - before.layers.map(\.zeroWeights).reduce(0, +)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func packAwarePermutationKeepsTheFunctionAndLowersThePackCost(_ seed: UInt64) throws {
        let graph = PruningTests.mlp([64, 48, 32, 8], seed: seed, zeros: 0.85)
        var plain = graph, aware = graph
        try PassManager(parsing: "permute{tile=4x4}").run(on: &plain)
        try PassManager(parsing: "permute{tile=4x4,pack-threshold=0.25}").run(on: &aware)
        #expect(try PruningTests.maxDifference(graph, aware, seed: seed) < 1e-12)
        let identity = try Self.packCost(graph, tile: 4, threshold: 0.25)
        let plainCost = try Self.packCost(plain, tile: 4, threshold: 0.25)
        let awareCost = try Self.packCost(aware, tile: 4, threshold: 0.25)
        #expect(awareCost < identity)
        #expect(awareCost < plainCost, "pack cost \(awareCost), plain permute \(plainCost), identity \(identity)")
        // The cost is what prune-pack does: k = 4 per tile it keeps plus the weights it removes.
        var packed = aware
        try PassManager(parsing: "prune-pack{threshold=0.25,tile=4x4}").run(on: &packed)
        let after = try TileStatistics(packed, t1: 4, t2: 4)
        let kept = after.layers.map { $0.tiles - $0.zeroTiles }.reduce(0, +)
        #expect(4 * kept + (try Self.packedAway(aware, tile: 4, threshold: 0.25)) == awareCost)
    }

    @Test func densityMattersNotJustThePattern() throws {
        // Rows 0–3 dense in the first column block, rows 4–15 each with one
        // entry there. Sorted by density, the sparse rows share tiles that
        // prune-pack (threshold 1/2: keep ≥ 8 of 16) empties, and the dense
        // tile keeps all of its 16 entries.
        var weights = [Double](repeating: 0, count: 16 * 16)
        let dense = [3, 6, 9, 12]
        for (index, r) in dense.enumerated() { for c in 0..<4 { weights[r * 16 + c] = Double(index * 4 + c + 1) } }
        for r in 0..<16 where !dense.contains(r) { weights[r * 16 + r % 4] = 0.5 }
        var graph = Graph(name: "dense", constants: ["w": Constant(Tensor(shape: [16, 16], scalars: weights))],
                          inputs: [GraphInput(name: "x", type: TensorType([nil, 16]))],
                          operations: [Operation(result: "y", kind: .dense, operands: [.value("x"), .constant("w")],
                                                 type: TensorType([nil, 16]))], outputs: ["y"])
        let original = graph
        try PassManager(parsing: "permute{tile=4x4,pack-threshold=0.5,first-form=A}").run(on: &graph)
        #expect(try Self.packCost(graph, tile: 4, threshold: 0.5) < Self.packCost(original, tile: 4, threshold: 0.5))
        try PassManager(parsing: "prune-pack{threshold=0.5,tile=4x4,first-form=A}").run(on: &graph)
        let values = try #require(graph.constants["w"]?.value?.scalars)
        // All 16 large weights survive; the 12 small ones are packed away.
        #expect(values.filter { $0 >= 1 }.count == 16)
        #expect(values.filter { $0 == 0.5 }.isEmpty)
    }

    @Test func badThresholdIsRefused() {
        #expect(throws: PassError.self) { try PassManager(parsing: "permute{tile=4x4,pack-threshold=2}") }
    }
}
