import Foundation
import HepexcData
import HepexcDriver
import HepexcExecutor
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

@Suite struct PlanCompilerTests {
    /// The hand-computed example: 20 → 12 → 6 → 3 with 4×4 tiles, layers A, B, A.
    /// Per batch ciphertext (design.md formulas):
    /// - A (12×20, R = 3, C = 5): 15 ct×pt, 12 + 6 + 6 adds, 6 + 6 rotations, 3 masks, 6 rescales, 3 bias adds;
    /// - B (6×12, 3×2 grid): 6 ct×pt, 4 + 4 adds, 4 rotations, 2 rescales, 2 bias adds;
    /// - A last (3×6, 1×2 grid): 2 ct×pt, 1 + 2 adds, 2 rotations, 1 rescale, 1 bias add, no mask;
    /// - the two x² activations: 3 + 2 ct×ct with a rescale each.
    @Test func threeLayerCountsFollowTheFormulas() throws {
        let graph = PlanTestSupport.mlp([20, 12, 6, 3], seed: 1)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true)).compile(graph)
        var expected = OpCounts()
        expected.plainMultiplies = 15 + 6 + 2
        expected.maskMultiplies = 3
        expected.cipherMultiplies = 3 + 2
        expected.additions = (12 + 6 + 6) + (4 + 4) + (1 + 2)
        expected.plainAdditions = 3 + 2 + 1
        expected.rotations = 12 + 4 + 2
        expected.rescales = 6 + 3 + 2 + 2 + 1
        #expect(plan.estimatedOpCounts() == expected)
        #expect(plan.depth == 2 + 1 + 1 + 1 + 1)
        // t3 = 512 / 16 = 32: sums over dim 1 rotate by 32, 64; duplication by −32, −64; dim 0 by 128, 256.
        #expect(plan.rotationSteps == [32, 64, 128, 256, 448, 480])
        let forms = plan.layers.compactMap { layer -> FCForm? in
            if case .fullyConnected(let fc) = layer { return fc.form }
            return nil
        }
        #expect(forms == [.typeA, .typeB, .typeA])
    }

    @Test func executedOperationsEqualTheEstimate() throws {
        let graph = PlanTestSupport.mlp([20, 12, 6, 3], seed: 2, zeroTiles: 0.4)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true)).compile(graph)
        let inputs = PlanTestSupport.randomInputs(70, features: 20, seed: 3)
        let dataset = Dataset(inputs: inputs, source: .init(path: "random", format: .npz))
        let report = try PlanRunner.run(plan, on: dataset, backend: .simulated, threads: 2)
        let batches = (70 + plan.tile.t3 - 1) / plan.tile.t3
        #expect(report.ops == plan.estimatedOpCounts() * batches)
    }

    @Test(arguments: [(8, 8), (16, 16), (32, 32), (64, 64), (8, 32), (32, 8)])
    func simulatedPlansEqualTheInterpreter(_ shape: (Int, Int)) throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: shape.0, t2: shape.1)).compile(graph)
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz")).prefix(40)
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let actual = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(dataset.inputs))
        #expect(PlanTestSupport.maxDifference(actual, expected) < 1e-9)
    }

    @Test func zeroTilesAreSkippedWithoutChangingOutputs() throws {
        let graph = PlanTestSupport.mlp([32, 24, 16, 8], seed: 5, zeroTiles: 0.6)
        let dense = PlanTestSupport.mlp([32, 24, 16, 8], seed: 5, zeroTiles: 0)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true)).compile(graph)
        let stored = plan.layerCosts().reduce(0) { $0 + $1.tilesStored }
        let total = plan.layerCosts().reduce(0) { $0 + $1.tilesTotal }
        #expect(stored < total / 2, "the test needs many zero tiles (\(stored)/\(total) stored)")
        #expect(dense.operations.count == graph.operations.count)
        let inputs = PlanTestSupport.randomInputs(40, features: 32, seed: 6)
        let expected = try PlanTestSupport.reference(graph, inputs)
        let actual = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(inputs))
        #expect(PlanTestSupport.maxDifference(actual, expected) < 1e-9)
    }

    @Test func nonHEFriendlyModelsAreRefusedWithAdvice() throws {
        let graph = try ModelLoader.load(TestPaths.path("Tests/FrontendTests/Fixtures/onnx/skl_mlp_nozipmap.onnx")).graph
        do {
            _ = try PlanCompiler(options: .init(t1: 8, t2: 8)).compile(graph)
            Issue.record("a ReLU model compiled")
        } catch {
            #expect(error.description.contains("relu"))
            #expect(error.description.contains("polynomial"))
            // skl2onnx's label reshape after the argmax is client post-processing, not a problem.
            #expect(!error.description.contains("reshape"))
        }
    }

    @Test func reshapesAfterTheArgmaxJoinTheClientTail() throws {
        var graph = PlanTestSupport.mlp([8, 4], seed: 8)
        graph.operations.append(Operation(result: "label", kind: .argmax, operands: [.value("d0")],
                                          attributes: ["axis": .int(1)], type: TensorType([nil], .i64)))
        graph.operations.append(Operation(result: "flat", kind: .reshape, operands: [.value("label")],
                                          attributes: ["shape": .ints([1])], type: TensorType([nil, 1], .i64)))
        graph.outputs = ["flat"]
        try graph.verify()
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true)).compile(graph)
        #expect(plan.clientTail == ["argmax %label", "reshape %flat"])
    }

    @Test func impossibleTileShapesAreReported() throws {
        let graph = PlanTestSupport.mlp([8, 4], seed: 7)
        #expect(throws: PassError.self) { try PlanCompiler(options: .init(t1: 3, t2: 4)).compile(graph) }
        #expect(throws: PassError.self) { try PlanCompiler(options: .init(t1: 256, t2: 512)).compile(graph) }
        #expect(throws: PassError.self) { try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 11)).compile(graph) }
    }

    @Test func parametersAreSecureByDefault() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: 16, t2: 16)).compile(graph)
        let bound = PlanCompiler.maxLogQP[plan.parameters.logN] ?? 0
        #expect(!plan.parameters.insecure)
        #expect(plan.parameters.logQ.reduce(0, +) + plan.parameters.logP.reduce(0, +) <= bound)
    }

    /// CryptoNets at 16×16: Q = 60 + 6 × 40 = 300 bits under the 438-bit
    /// bound of N = 2^14 leaves room for a second 60-bit special prime
    /// (two-prime key-switching digits instead of one per prime).
    @Test func spareSecurityBudgetBuysSpecialPrimes() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/mnist_cryptonets.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: 16, t2: 16)).compile(graph)
        #expect(plan.parameters.logN == 14 && plan.parameters.logQ.reduce(0, +) == 300)
        #expect(plan.parameters.logP == [60, 60])
        let small = try PlanCompiler(options: .init(t1: 16, t2: 16, logN: 10, insecure: true)).compile(graph)
        #expect(small.parameters.logP == [60])
    }
}

@Suite struct ParameterChoiceTests {
    @Test func smallNetworksFitTheSmallerRingWithSmallerPrimes() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 16)).compile(graph)
        // B (1 level) → x² (1) → A last (1): depth 3; 50 + 3·35 + 60 = 215 ≤ 218 bits at N = 2^13.
        #expect(plan.depth == 3)
        #expect(plan.parameters.logN == 13)
        #expect(plan.parameters.logQ == [50, 35, 35, 35] && plan.parameters.logP == [60])
        #expect(plan.tile == TileShape(t1: 4, t2: 16, t3: 64))
    }

    @Test func deeperNetworksGetALargerRing() throws {
        let graph = PlanTestSupport.mlp([16, 16, 16, 16, 16, 16], seed: 21)
        // Four x² layers on inputs in −1…1 reach ~1e8, more than CKKS can
        // hold (the compiler refuses that, see ValueBoundsTests); small
        // inputs keep the values small.
        var options = PlanCompiler.Options(t1: 4, t2: 4)
        options.inputRange = -0.1...0.1
        let plan = try PlanCompiler(options: options).compile(graph)
        let bound = PlanCompiler.maxLogQP[plan.parameters.logN] ?? 0
        #expect(plan.parameters.logQ.reduce(0, +) + plan.parameters.logP.reduce(0, +) <= bound)
        #expect(plan.parameters.logN >= 14)
    }

    /// `scaleBits` keeps one tier: poly2 at 1×128 fits N = 2^14 with 40-bit
    /// scales (one special prime) or, asked for, 35-bit ones (room for two).
    @Test func scaleBitsChooseTheTier() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_poly2.onnx")).graph
        let precise = try PlanCompiler(options: .init(t1: 1, t2: 128)).compile(graph)
        #expect(precise.parameters.logScale == 40 && precise.parameters.logP == [60])
        let small = try PlanCompiler(options: .init(t1: 1, t2: 128, scaleBits: 35)).compile(graph)
        #expect(small.parameters.logN == 14 && small.parameters.logScale == 35 && small.parameters.logP == [60, 60])
        #expect(throws: PassError.self) { try PlanCompiler(options: .init(t1: 1, t2: 128, scaleBits: 30)).compile(graph) }
    }
}
