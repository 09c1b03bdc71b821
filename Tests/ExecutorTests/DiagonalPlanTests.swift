import Foundation
import HepexcData
import HepexcDriver
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Type-D (diagonal, baby-step giant-step) layers: known answers for the
/// schedule and its op counts, then plans against the interpreter, then CKKS.
@Suite struct DiagonalPlanTests {
    static func forms(_ plan: Plan) -> [FCForm] {
        plan.layers.compactMap { layer -> FCForm? in
            if case .fullyConnected(let fc) = layer { return fc.form }
            return nil
        }
    }

    @Test func scheduleSplitsTheDiagonalsIntoBabyAndGiantSteps() {
        let ten = DiagonalSchedule(outFeatures: 10, t2: 64)
        #expect((ten.width, ten.babySteps, ten.giantSteps, ten.replicationSteps) == (16, 4, 4, 2))
        let wide = DiagonalSchedule(outFeatures: 64, t2: 64)
        #expect((wide.width, wide.babySteps, wide.giantSteps, wide.replicationSteps) == (64, 8, 8, 0))
        let eight = DiagonalSchedule(outFeatures: 5, t2: 16)
        #expect((eight.width, eight.babySteps, eight.giantSteps, eight.replicationSteps) == (8, 4, 2, 1))
        let one = DiagonalSchedule(outFeatures: 1, t2: 8)
        #expect((one.width, one.babySteps, one.giantSteps, one.replicationSteps) == (1, 1, 1, 3))
        // Diagonal r at position j is W[j mod d, (j + r) mod t2].
        let values = eight.diagonalValues(3, weight: { Float($0 * 100 + $1) }, outFeatures: 5, inFeatures: 14)
        #expect(values[0] == 3 && values[4] == 407 && values[5] == 0 && values[9] == 112 && values[10] == 213 && values[11] == 0 && values[13] == 0)
    }

    /// 64 → 10 in the diagonal form with t2 = 64 (tile 1×64, t3 = 8 at
    /// N = 2^10): 16 diagonals, B = G = 4: 3 hoisted baby rotations, 3 giant
    /// rotations, 2 replication rotations; 16 ct×pt; 4 rescales (one per
    /// giant step); 4 × 3 accumulation adds + 3 giant adds + 2 replication
    /// adds; one bias add.
    @Test func digitsOutputLayerCountsFollowTheSchedule() throws {
        let graph = PlanTestSupport.mlp([64, 64, 10], seed: 21)
        let plan = try PlanCompiler(options: .init(t1: 1, t2: 64, logN: 10, insecure: true)).compile(graph)
        #expect(Self.forms(plan) == [.typeB, .diagonal])
        let costs = plan.layerCosts()
        var expected = OpCounts()
        expected.plainMultiplies = 16
        expected.rotations = 8
        expected.rescales = 4
        expected.additions = 12 + 3 + 2
        expected.plainAdditions = 1
        #expect(costs[2].ops == expected)
        #expect(costs[2].kind == "fc-D" && costs[2].tilesStored == 16 && costs[2].tilesTotal == 16)
        // Type B with t1 = 1 needs no rotation at all: 64 input ciphertexts, one output.
        #expect(costs[0].ops.rotations == 0 && costs[0].ops.plainMultiplies == 64 && plan.firstInputTileCount == 64)
        // t3 = 8: baby 8·{1,2,3}, giant 8·4·{1,2,3}, replication 8·16·{1,2}.
        #expect(plan.rotationSteps == [8, 16, 24, 32, 64, 96, 128, 256])
        #expect(plan.depth == 3)
    }

    @Test(arguments: [(1, 64), (4, 64), (8, 64)])
    func digitsPlansWithDiagonalLayersEqualTheInterpreter(_ shape: (Int, Int)) throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: shape.0, t2: shape.1)).compile(graph)
        #expect(Self.forms(plan) == [.typeB, .diagonal])
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz")).prefix(40)
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let actual = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(dataset.inputs))
        #expect(PlanTestSupport.maxDifference(actual, expected) < 1e-9)
    }

    /// Small layers chain in the diagonal form (each keeps the input
    /// layout) and mix with A/B where a layer is too wide.
    @Test(arguments: [[16, 16, 16, 8], [40, 16, 12, 6], [16, 12, 40, 6, 3]])
    func chainsOfDiagonalLayersEqualTheInterpreter(_ sizes: [Int]) throws {
        let graph = PlanTestSupport.mlp(sizes, seed: 22)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 16, logN: 11, insecure: true)).compile(graph)
        #expect(Self.forms(plan).contains(.diagonal))
        if sizes[0] > 16 {
            // 40 inputs: the first layer is a Type-D layer over three input tiles.
            guard case .fullyConnected(let first) = plan.layers[0] else { Issue.record("layer 0"); return }
            #expect(first.form == .diagonal && first.gridRows == 3 && plan.firstInputTileCount == 3)
        }
        try Self.expectSimulationMatches(plan, graph, PlanTestSupport.randomInputs(40, features: sizes[0], seed: 23))
    }

    /// The simulated plan equals the interpreter on `inputs`, and executes
    /// exactly the operations its analysis predicts.
    static func expectSimulationMatches(_ plan: Plan, _ graph: Graph, _ inputs: Tensor) throws {
        let expected = try PlanTestSupport.reference(graph, inputs)
        let actual = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(inputs))
        #expect(PlanTestSupport.maxDifference(actual, expected) < 1e-9)
        let report = try PlanRunner.run(plan, on: Dataset(inputs: inputs, source: .init(path: "random", format: .npz)),
                                        backend: .simulated, threads: 2)
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
    }

    @Test func formsFollowTheRotationCounts() {
        // 2 layers start with B; the second, 64 → 10 under t2 = 16, is too wide for D.
        #expect(PlanCompiler.chooseForms([(64, 64), (64, 10)], t1: 8, t2: 8) == [.typeB, .typeA])
        #expect(PlanCompiler.chooseForms([(64, 64), (64, 10)], t1: 4, t2: 64) == [.typeB, .diagonal])
        // A last layer 16 → 2 with t1 = 4: A rotates 4 times, D (d = 2: 1 + 0 + 3) 4 times: D.
        #expect(PlanCompiler.chooseForms([(16, 2)], t1: 4, t2: 16) == [.diagonal])
        // 16 → 4 with t1 = 4: A rotates 4 times, D (d = 4: 1 + 1 + 2) 4 times too; 16 → 8 (t1 = 8): A 4, D 5.
        #expect(PlanCompiler.chooseForms([(16, 8)], t1: 8, t2: 16) == [.typeA])
        #expect(PlanCompiler.chooseForms([(64, 64), (64, 10)], t1: 4, t2: 64, diagonal: false) == [.typeB, .typeA])
        #expect(PlanCompiler.chooseForms([(8, 8), (8, 8)], t1: 4, t2: 16, firstForm: .typeA) == [.typeA, .typeB])
        #expect(PlanCompiler.chooseForms([(8, 8), (8, 8), (8, 8)], t1: 4, t2: 16) == [.diagonal, .diagonal, .diagonal])
        // More inputs than t2: 64 → 10 under 2×32 reads two input tiles: D rotates 2·3 + 3 + 1 = 10 times, A 5·5 = 25.
        #expect(PlanCompiler.chooseForms([(64, 64), (64, 10)], t1: 2, t2: 32) == [.typeB, .diagonal])
        // 128 → 10 under 16×16 (eight input tiles): D 8·3 + 3 = 27 rotations, A 4: A.
        #expect(PlanCompiler.chooseForms([(784, 128), (128, 10)], t1: 16, t2: 16) == [.typeB, .typeA])
    }

    /// A Type-D layer over several input tiles, one of them known in the
    /// clear (the B layer before it has no weight for that output tile):
    /// ciphertext tiles get baby steps, the cleartext tile joins as one
    /// plaintext; 16 → 32 → 10 under 4×16 tiles.
    @Test func diagonalLayersReadSeveralInputTilesSomeInTheClear() throws {
        var graph = PlanTestSupport.mlp([16, 32, 10], seed: 29)
        guard var weight = graph.constants["w0"]?.value else { Issue.record("w0"); return }
        for o in 16..<32 { for i in 0..<16 { weight.scalars[o * 16 + i] = 0 } }
        graph.constants["w0"] = Constant(weight)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 16, logN: 10, insecure: true)).compile(graph)
        #expect(Self.forms(plan) == [.typeB, .diagonal])
        guard case .fullyConnected(let diagonal) = plan.layers[2] else { Issue.record("layer 2"); return }
        #expect(diagonal.gridRows == 2 && diagonal.gridCols == 16 && diagonal.inputTileCount == 2)
        let ops = plan.layerCosts()[2].ops
        // One ciphertext tile: 16 ct×pt, 3 baby + 3 giant rotations; the cleartext tile: one plaintext addition (+ bias).
        #expect(ops.plainMultiplies == 16 && ops.rotations == 6 && ops.plainAdditions == 2)
        let inputs = PlanTestSupport.randomInputs(20, features: 16, seed: 30)
        try Self.expectSimulationMatches(plan, graph, inputs)
        let report = try PlanRunner.run(plan, on: Dataset(inputs: inputs, source: .init(path: "random", format: .npz)),
                                        backend: .ckks, threads: 2)
        #expect(report.maxAbsError < 1e-3, "max error \(report.maxAbsError)")
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
    }

    @Test func zeroDiagonalsAreSkippedWithoutChangingOutputs() throws {
        var graph = PlanTestSupport.mlp([16, 16, 8], seed: 24)
        // Keep only W[o, f] with (f − o) mod 16 ∈ {0, 1, 5}: with d = 8,
        // diagonal r holds W[j mod 8, (j + r) mod 16], whose f − o is r
        // (j < 8) or r + 8 (j ≥ 8), so only diagonals 0, 1 and 5 are non-zero.
        guard var weight = graph.constants["w1"]?.value else { Issue.record("w1"); return }
        for o in 0..<8 {
            for f in 0..<16 where ![0, 1, 5].contains((f - o + 16) % 16) { weight.scalars[o * 16 + f] = 0 }
        }
        graph.constants["w1"] = Constant(weight)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 16, logN: 11, insecure: true, firstForm: .typeB)).compile(graph)
        #expect(Self.forms(plan) == [.typeB, .diagonal])
        let cost = plan.layerCosts()[2]
        #expect(cost.tilesStored == 3 && cost.tilesTotal == 8)
        // d = 8, B = 4, G = 2: diagonals 0, 1 (g = 0) and 5 (g = 1, b = 1): baby 1, giant 1, replication 1.
        #expect(cost.ops.rotations == 3 && cost.ops.plainMultiplies == 3 && cost.ops.rescales == 2)
        try Self.expectSimulationMatches(plan, graph, PlanTestSupport.randomInputs(30, features: 16, seed: 25))
    }

    @Test func encryptedDiagonalPlansMatchTheReference() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let plan = try PlanCompiler(options: .init(t1: 1, t2: 64, logN: 10, insecure: true)).compile(graph)
        #expect(Self.forms(plan) == [.typeB, .diagonal])
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz")).prefix(16)
        let report = try PlanRunner.run(plan, on: dataset, backend: .ckks, threads: 2)
        #expect(report.maxAbsError < 1e-3, "max error \(report.maxAbsError)")
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
        let chain = PlanTestSupport.mlp([16, 16, 16, 8], seed: 26)
        let chainPlan = try PlanCompiler(options: .init(t1: 4, t2: 16, logN: 10, insecure: true)).compile(chain)
        let inputs = PlanTestSupport.randomInputs(8, features: 16, seed: 27)
        let chainReport = try PlanRunner.run(chainPlan, on: Dataset(inputs: inputs, source: .init(path: "random", format: .npz)),
                                             backend: .ckks, encryptedWeights: true, threads: 2)
        #expect(chainReport.maxAbsError < 1e-3, "max error \(chainReport.maxAbsError)")
    }

    @Test func malformedDiagonalLayersAreRejected() throws {
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 16, logN: 11, insecure: true))
            .compile(PlanTestSupport.mlp([16, 16, 8], seed: 28))
        guard case .fullyConnected(var layer) = plan.layers[2], layer.form == .diagonal else { Issue.record("layer 2"); return }
        var shortDiagonal = plan
        layer.tiles[0].values.removeLast()
        shortDiagonal.layers[2] = .fullyConnected(layer)
        #expect(throws: PlanError.self) { try shortDiagonal.validate() }
        var wrongGrid = plan
        guard case .fullyConnected(var wide) = plan.layers[2] else { return }
        wide.gridCols = 16
        wrongGrid.layers[2] = .fullyConnected(wide)
        #expect(throws: PlanError.self) { try wrongGrid.validate() }
        // Version-1 files (before Type D) still load.
        var bytes = try plan.serialized()
        bytes[8] = 1
        #expect(try Plan(serialized: bytes) == plan)
    }
}
