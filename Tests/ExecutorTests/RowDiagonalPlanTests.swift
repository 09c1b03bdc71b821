import Foundation
import HepexcData
import HepexcDriver
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Row-diagonal last layers (``FCForm/rowDiagonal``): the form choice and
/// the op counts as known answers, then plans against the interpreter (with
/// ragged shapes, zero and cleartext tiles), then CKKS, then bad files.
@Suite struct RowDiagonalPlanTests {
    static func lastForm(_ plan: Plan) -> FCForm? {
        DiagonalPlanTests.forms(plan).last
    }

    @Test func wideLastLayersTakeRowDiagonals() {
        // The 3072-256-256-3072 autoencoder under 16×16: the decoder's Type A
        // reduces 192 output tiles × 4 rotations = 768; row diagonals need 16
        // input tiles × 3 baby + 12 groups × 3 giant = 84.
        let autoencoder = [(3072, 256), (256, 256), (256, 3072)]
        #expect(PlanCompiler.chooseForms(autoencoder, t1: 16, t2: 16) == [.typeA, .typeB, .rowDiagonal])
        #expect(FullyConnectedLayer.rowDiagonalRotations(inFeatures: 256, outFeatures: 3072, tile: TileShape(t1: 16, t2: 16, t3: 32)) == 84)
        #expect(PlanCompiler.chooseForms(autoencoder, t1: 16, t2: 16, diagonal: false) == [.typeA, .typeB, .typeA])
        // At most t2 outputs: Type D or A as before, never row diagonals.
        #expect(PlanCompiler.chooseForms([(784, 128), (128, 10)], t1: 16, t2: 16) == [.typeB, .typeA])
        // A wide first layer over many input tiles: 64 → 16 (t1 = 1, t2 = 4): A 16 × 2 = 32, R 16·1 + 4·1 = 20.
        #expect(PlanCompiler.chooseForms([(64, 16)], t1: 1, t2: 4) == [.rowDiagonal])
        // 64 inputs → 32 outputs under 8×4: A rotates 4 × 2 = 8 times, R 16 × 1 + 1 × 1 = 17: A.
        #expect(PlanCompiler.chooseForms([(64, 32)], t1: 8, t2: 4) == [.typeA])
        // Forced first forms are kept.
        #expect(PlanCompiler.chooseForms([(64, 16)], t1: 1, t2: 4, firstForm: .typeA) == [.typeA])
    }

    /// 16 → 16 → 96 under 4×8 tiles (T = 32, t3 = 16 at N = 2^10): the last
    /// layer has 2 input tiles and 3 groups, width 8, B = 4, G = 2.
    @Test func opCountsFollowTheSchedule() throws {
        let graph = PlanTestSupport.mlp([16, 16, 96], seed: 41)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 8, logN: 10, insecure: true)).compile(graph)
        #expect(DiagonalPlanTests.forms(plan) == [.typeB, .rowDiagonal])
        guard case .fullyConnected(let last) = plan.layers[2] else { Issue.record("layer 2"); return }
        #expect(last.outputGroups == 3 && last.gridRows == 2 && last.gridCols == 24 && last.tiles.count == 48)
        var expected = OpCounts()
        expected.rotations = 2 * 3 + 3 * 1      // baby steps per input tile, one giant step per group
        expected.plainMultiplies = 48
        expected.rescales = 3 * 2               // one per group and giant step
        expected.additions = 3 * (2 * (2 * 4 - 1) + 1)
        expected.plainAdditions = 3             // the bias, per group
        let cost = plan.layerCosts()[2]
        #expect(cost.ops == expected && cost.kind == "fc-R" && cost.outputCiphertexts == 3)
        // t3 = 16: baby 16·{1,2,3}, giant 16·4.
        #expect(plan.rotationSteps.filter { $0 % 16 == 0 && $0 <= 64 }.contains(64))
        #expect(plan.depth == 3 && plan.writtenVersion == 5)
        try DiagonalPlanTests.expectSimulationMatches(plan, graph, PlanTestSupport.randomInputs(20, features: 16, seed: 42))
    }

    /// Ragged shapes: inputs not a multiple of t2, a partial last group,
    /// t1 = 1 and t1 = t2, a single dense layer (row diagonals first).
    @Test(arguments: [([12, 20, 100], 4, 8), ([16, 24, 40], 1, 8), ([8, 16, 130], 8, 8), ([30, 16, 64], 2, 16), ([64, 16], 1, 4)])
    func plansEqualTheInterpreter(_ sizes: [Int], _ t1: Int, _ t2: Int) throws {
        let graph = PlanTestSupport.mlp(sizes, seed: 43)
        let plan = try PlanCompiler(options: .init(t1: t1, t2: t2, logN: 11, insecure: true)).compile(graph)
        #expect(Self.lastForm(plan) == .rowDiagonal)
        try DiagonalPlanTests.expectSimulationMatches(plan, graph, PlanTestSupport.randomInputs(24, features: sizes[0], seed: 44))
    }

    /// The Type-B layer before has no weight for its second output tile, so
    /// that input tile reaches the row-diagonal layer in the clear and joins
    /// each group as one plaintext.
    @Test func cleartextInputTilesJoinAsOnePlaintext() throws {
        var graph = PlanTestSupport.mlp([16, 16, 96], seed: 45)
        guard var weight = graph.constants["w0"]?.value else { Issue.record("w0"); return }
        for o in 8..<16 { for i in 0..<16 { weight.scalars[o * 16 + i] = 0 } }
        graph.constants["w0"] = Constant(weight)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 8, logN: 10, insecure: true)).compile(graph)
        #expect(Self.lastForm(plan) == .rowDiagonal)
        let ops = plan.layerCosts()[2].ops
        // One ciphertext tile: 8 ct×pt per group, 3 baby + 3 giant rotations; cleartext tile + bias per group.
        #expect(ops.plainMultiplies == 24 && ops.rotations == 6 && ops.plainAdditions == 6)
        let inputs = PlanTestSupport.randomInputs(16, features: 16, seed: 46)
        try DiagonalPlanTests.expectSimulationMatches(plan, graph, inputs)
        let report = try PlanRunner.run(plan, on: Dataset(inputs: inputs, source: .init(path: "random", format: .npz)),
                                        backend: .ckks, threads: 2)
        #expect(report.maxAbsError < 1e-3, "max error \(report.maxAbsError)")
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
    }

    @Test func encryptedRowDiagonalPlansMatchTheReference() throws {
        let graph = PlanTestSupport.mlp([20, 16, 16, 72], seed: 47)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 8, logN: 11, insecure: true)).compile(graph)
        #expect(Self.lastForm(plan) == .rowDiagonal)
        let inputs = PlanTestSupport.randomInputs(12, features: 20, seed: 48)
        for encryptedWeights in [false, true] {
            let report = try PlanRunner.run(plan, on: Dataset(inputs: inputs, source: .init(path: "random", format: .npz)),
                                            backend: .ckks, encryptedWeights: encryptedWeights, threads: 2)
            #expect(report.maxAbsError < 1e-3, "max error \(report.maxAbsError)")
            if !encryptedWeights {
                #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
            } else {
                // Encrypted weights: every ct×pt product is a ct×ct one instead.
                #expect(report.ops.cipherMultiplies == plan.estimatedOpCounts().cipherMultiplies + plan.estimatedOpCounts().plainMultiplies)
            }
        }
    }

    /// Where the weight's zero tiles make Type A cheaper (a tile-pruned
    /// decoder), the compiler keeps Type A although the shape says R.
    @Test func prunedLastLayersKeepTypeAWhenCheaper() throws {
        var graph = PlanTestSupport.mlp([16, 16, 96], seed: 49)
        guard var weight = graph.constants["w1"]?.value else { Issue.record("w1"); return }
        // Keep only outputs 0..<4 (one Type-A output tile of 4 rows).
        for o in 4..<96 { for i in 0..<16 { weight.scalars[o * 16 + i] = 0 } }
        graph.constants["w1"] = Constant(weight)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 8, logN: 10, insecure: true)).compile(graph)
        #expect(Self.lastForm(plan) == .typeA)
        try DiagonalPlanTests.expectSimulationMatches(plan, graph, PlanTestSupport.randomInputs(10, features: 16, seed: 50))
    }

    @Test func malformedRowDiagonalLayersAreRejected() throws {
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 8, logN: 10, insecure: true))
            .compile(PlanTestSupport.mlp([16, 16, 96], seed: 51))
        guard case .fullyConnected(let layer) = plan.layers[2], layer.form == .rowDiagonal else { Issue.record("layer 2"); return }
        var wrongGroups = plan, short = plan, outside = plan
        var groups = layer
        groups.outputGroups = 2
        wrongGroups.layers[2] = .fullyConnected(groups)
        #expect(throws: PlanError.self) { try wrongGroups.validate() }
        var shortTile = layer
        shortTile.tiles[0].values.removeLast()
        short.layers[2] = .fullyConnected(shortTile)
        #expect(throws: PlanError.self) { try short.validate() }
        var far = layer
        far.tiles[0].col = layer.gridCols
        outside.layers[2] = .fullyConnected(far)
        #expect(throws: PlanError.self) { try outside.validate() }
        // Row diagonals are not allowed before the last dense layer.
        let early = try PlanCompiler(options: .init(t1: 4, t2: 8, logN: 10, insecure: true))
            .compile(PlanTestSupport.mlp([16, 16, 16, 16], seed: 52))
        var notLast = early
        if case .fullyConnected(var first) = early.layers[0] {
            first.form = .rowDiagonal
            notLast.layers[0] = .fullyConnected(first)
        }
        #expect(throws: PlanError.self) { try notLast.validate() }
        // Written as version 5; a file claiming version 4 is refused, not misread.
        var bytes = try plan.serialized()
        #expect(try Plan(serialized: bytes) == plan)
        bytes[8] = 4
        #expect(throws: PlanError.self) { try Plan(serialized: bytes) }
    }
}
