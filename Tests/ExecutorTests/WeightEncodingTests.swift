import Foundation
import HepexcCKKS
import HepexcData
import HepexcDriver
import HepexcExecutor
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Streamed weight encoding (each weight tile encoded just before use, in
/// blocks) against cached (all encoded up front): the same ciphertexts bit
/// for bit, the same operation counts, on plans whose layers have more
/// contributing tiles than one streaming block.
@Suite struct WeightEncodingTests {
    /// Both policies on the same encrypted inputs; returns (cached, streamed) outputs and op counts.
    static func runBoth(_ plan: Plan, samples: Int, seed: UInt64) throws
        -> (cached: [Ciphertext], streamed: [Ciphertext], counts: (OpCounts, OpCounts)) {
        let backend = try CKKSBackend.clientAndServer(for: plan, threads: 2, relinearization: plan.needsRelinearization)
        let layout = TileLayout(plan: plan)
        let rows = PlanTestSupport.rows(PlanTestSupport.randomInputs(samples, features: plan.inputFeatures, seed: seed))
        let inputs = try layout.encodeInput(rows).map { try backend.encrypt($0, level: backend.maxLevel, scale: backend.defaultScale) }
        var outputs: [[Ciphertext]] = []
        var counts: [OpCounts] = []
        for policy in [WeightEncoding.cached, .streamed] {
            let counting = CountingBackend(backend)
            let executor = try PlanExecutor(plan: plan, backend: counting, threads: 2, weightEncoding: policy)
            #expect(executor.weightEncoding == policy)
            outputs.append(try executor.run(inputs).compactMap { tile in
                if case .cipher(let ct) = tile { return ct }
                return nil
            })
            counts.append(counting.counts)
        }
        return (outputs[0], outputs[1], (counts[0], counts[1]))
    }

    static func expectIdentical(_ a: [Ciphertext], _ b: [Ciphertext]) {
        #expect(a.count == b.count && !a.isEmpty)
        for (x, y) in zip(a, b) {
            #expect(x.scale == y.scale && x.level == y.level)
            #expect(x.polys.map(\.data) == y.polys.map(\.data))
        }
    }

    /// 128 → 8 → 4 with 4×4 tiles: 32 input tiles per output tile of the
    /// first layer (two streaming blocks), Type A then Type B.
    @Test func streamedTypeABLayersEqualCachedBitForBit() throws {
        let graph = PlanTestSupport.mlp([128, 8, 4], seed: 31, zeroTiles: 0.2)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true, diagonal: false)).compile(graph)
        let (cached, streamed, counts) = try Self.runBoth(plan, samples: 5, seed: 32)
        Self.expectIdentical(cached, streamed)
        #expect(counts.0 == counts.1)
        #expect(counts.1 == plan.estimatedOpCounts())
    }

    /// B → D over several input tiles (2×32 tiles): the diagonal layer's giant steps stream too.
    @Test func streamedDiagonalLayersEqualCachedBitForBit() throws {
        let graph = PlanTestSupport.mlp([64, 64, 10], seed: 33)
        let plan = try PlanCompiler(options: .init(t1: 2, t2: 32, logN: 10, insecure: true)).compile(graph)
        let (cached, streamed, counts) = try Self.runBoth(plan, samples: 3, seed: 34)
        Self.expectIdentical(cached, streamed)
        #expect(counts.0 == counts.1)
    }

    /// A wide last layer in row diagonals (16 → 16 → 96 under 4×8): its
    /// giant steps stream too.
    @Test func streamedRowDiagonalLayersEqualCachedBitForBit() throws {
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 8, logN: 10, insecure: true)).compile(PlanTestSupport.mlp([16, 16, 96], seed: 35))
        #expect(DiagonalPlanTests.forms(plan).last == .rowDiagonal)
        let (cached, streamed, counts) = try Self.runBoth(plan, samples: 4, seed: 36)
        Self.expectIdentical(cached, streamed)
        #expect(counts.0 == counts.1 && counts.1 == plan.estimatedOpCounts())
    }

    /// A cache budget keeps the lowest-level layers first and streams the
    /// rest: budget for the last layer and a part of the first gives a
    /// partial first layer; the outputs are the cached ones bit for bit.
    @Test func aWeightCacheBudgetCachesTheLowestLevelsFirst() throws {
        let graph = PlanTestSupport.mlp([128, 8, 4], seed: 31, zeroTiles: 0.2)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true, diagonal: false)).compile(graph)
        let backend = try CKKSBackend.clientAndServer(for: plan, threads: 2, relinearization: plan.needsRelinearization)
        let tiles = plan.layers.map { layer -> Int in
            if case .fullyConnected(let fc) = layer { return fc.tiles.count }
            return 0
        }
        let first = PlanExecutor<CKKSBackend>.plaintextBytes(level: backend.maxLevel, logN: plan.parameters.logN)
        // B (one level), x² (one), A: the last layer runs two levels down.
        let last = PlanExecutor<CKKSBackend>.plaintextBytes(level: backend.maxLevel - 2, logN: plan.parameters.logN)
        let budget = tiles[2] * last + 5 * first + first / 2
        let rows = PlanTestSupport.rows(PlanTestSupport.randomInputs(4, features: 128, seed: 37))
        let inputs = try TileLayout(plan: plan).encodeInput(rows).map { try backend.encrypt($0, level: backend.maxLevel, scale: backend.defaultScale) }
        let budgeted = try PlanExecutor(plan: plan, backend: CountingBackend(backend), threads: 2, weightCacheBytes: budget)
        #expect(budgeted.cachedWeightTileCounts == [5, 0, tiles[2]])
        let none = try PlanExecutor(plan: plan, backend: backend, threads: 2, weightCacheBytes: 0)
        #expect(none.cachedWeightTileCounts == [0, 0, 0])
        let full = try PlanExecutor(plan: plan, backend: backend, threads: 2)
        #expect(full.cachedWeightTileCounts == tiles)
        let reference = Self.ciphertexts(try full.run(inputs))
        Self.expectIdentical(Self.ciphertexts(try none.run(inputs)), reference)
        Self.expectIdentical(try budgeted.run(inputs).compactMap { tile in
            if case .cipher(let ct) = tile { return ct }
            return nil
        }, reference)
        #expect(budgeted.backend.counts == plan.estimatedOpCounts())
    }

    static func ciphertexts(_ tiles: [PlanExecutor<CKKSBackend>.Tile]) -> [Ciphertext] {
        tiles.compactMap { tile in
            if case .cipher(let ct) = tile { return ct }
            return nil
        }
    }

    /// `hepexc run`'s auto choice: streamed for one batch ciphertext, cached for more; same accuracy.
    @Test func autoStreamsOneBatchAndCachesSeveral() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: 8, t2: 8, logN: 10, insecure: true)).compile(graph)
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz")).prefix(plan.tile.t3 + 1)
        let one = try PlanRunner.run(plan, on: dataset.prefix(plan.tile.t3), threads: 2)
        let two = try PlanRunner.run(plan, on: dataset, threads: 2)
        #expect(one.weightEncoding == "streamed" && two.weightEncoding == "cached")
        let forced = try PlanRunner.run(plan, on: dataset, threads: 2, weights: .streamed)
        #expect(forced.weightEncoding == "streamed")
        #expect(forced.maxAbsError < 1e-3 && two.maxAbsError < 1e-3 && one.maxAbsError < 1e-3)
        #expect(forced.ops == two.ops)
    }
}
