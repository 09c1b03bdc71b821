import Foundation
import HepexcData
import HepexcDriver
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// HE-PEx on a CNN: permuting the bundled CryptoNets (conv channels, hidden
/// neurons, outputs) keeps its function on real MNIST images, and the
/// permuted model still compiles to a plan that computes it.
@Suite struct PermutedCNNPlanTests {
    static let cryptonets = BundledModel.all[0]

    /// CryptoNets pruned to 90 %, before and after `permute` at 16×16.
    static func models() throws -> (pruned: Graph, permuted: Graph) {
        var pruned = try ModelLoader.load(cryptonets.modelPath).graph
        try PassManager(parsing: "prune{ratio=0.9}").run(on: &pruned)
        var permuted = pruned
        try PassManager(parsing: "permute{tile=16x16}").run(on: &permuted)
        return (pruned, permuted)
    }

    @Test func permutedCryptoNetsKeepsItsFunctionOnMNIST() throws {
        #expect(Self.cryptonets.name == "mnist_cryptonets")
        let (pruned, permuted) = try Self.models()
        // The five conv channels moved (their filters and the 169-column
        // groups of fc1), and more tiles are empty.
        #expect(permuted.constants["conv.weight"] != pruned.constants["conv.weight"])
        #expect(permuted.constants["conv.bias"] != pruned.constants["conv.bias"])
        let before = try TileStatistics(pruned, t1: 16, t2: 16), after = try TileStatistics(permuted, t1: 16, t2: 16)
        #expect(after.zeroTiles > before.zeroTiles, "\(before.zeroTiles) → \(after.zeroTiles) zero tiles")
        #expect(after.weightSparsity == before.weightSparsity)

        let images = try DatasetLoader.load(path: Self.cryptonets.dataPath).prefix(100).inputs
        let expected = try Interpreter(pruned).run(images)[0], actual = try Interpreter(permuted).run(images)[0]
        #expect(expected.shape == actual.shape)
        let scale = expected.scalars.map(abs).max() ?? 1
        let error = zip(expected.scalars, actual.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error / scale < 1e-12, "relative difference \(error / scale)")
    }

    @Test func permutedCryptoNetsCompilesToAPlanThatComputesIt() throws {
        let (pruned, permuted) = try Self.models()
        let options = PlanCompiler.Options(t1: 16, t2: 16)
        let plan = try PlanCompiler(options: options).compile(permuted)
        // A permute before the logits runs on the client (MNIST has one
        // input channel, so there is no input permutation).
        #expect((plan.outputPermutation != nil) == permuted.operations.contains { $0.kind == .permute })
        #expect(plan.inputPermutation == nil)
        let dataset = try DatasetLoader.load(path: Self.cryptonets.dataPath).prefix(40)
        let expected = try PlanTestSupport.reference(pruned, dataset.inputs)
        let rows = PlanTestSupport.rows(dataset.inputs.reshaped([dataset.count, plan.inputFeatures]))
        let actual = try PlanRunner.simulate(plan, rows: rows)
        // Weights composed from several affine ops (conv → dense) are stored as Float.
        #expect(PlanTestSupport.maxDifference(actual, expected) < 1e-4)
        // The permuted plan stores no more weight tiles than the unpermuted one.
        let plain = try PlanCompiler(options: options).compile(pruned)
        let tiles = { (plan: Plan) in plan.layers.reduce(0) { total, layer in
            if case .fullyConnected(let fc) = layer { return total + fc.tiles.count }
            return total
        } }
        #expect(tiles(plan) <= tiles(plain), "\(tiles(plain)) → \(tiles(plan)) stored tiles")
    }

    /// x [3, 6, 6] → conv 3→8 k3 → x² → conv 8→8 k3 → x² → flatten → dense
    /// 288→10, random f32 weights, 80 % zeros.
    static func cnn(seed: UInt64) -> Graph {
        var rng = SplitMix64(seed: seed)
        func values(_ count: Int, zeros: Double) -> [Double] {
            (0..<count).map { _ in Double.random(in: 0..<1, using: &rng) < zeros ? 0 : Double(Float(Double.random(in: -0.5...0.5, using: &rng))) }
        }
        var graph = Graph(name: "cnn", inputs: [GraphInput(name: "x", type: TensorType([nil, 3, 6, 6]))])
        let pads: Attributes = ["pads": .ints([1, 1, 1, 1]), "strides": .ints([1, 1])]
        let layers: [(String, OpKind, [Int], Attributes, [Int?])] = [
            ("c1", .conv2d, [8, 3, 3, 3], pads, [nil, 8, 6, 6]), ("a1", .poly, [], ["coeffs": .floats([0, 0, 1])], [nil, 8, 6, 6]),
            ("c2", .conv2d, [8, 8, 3, 3], pads, [nil, 8, 6, 6]), ("a2", .poly, [], ["coeffs": .floats([0, 0, 1])], [nil, 8, 6, 6]),
            ("f", .reshape, [], ["shape": .ints([288])], [nil, 288]), ("d", .dense, [10, 288], [:], [nil, 10]),
        ]
        var current = "x"
        for (name, kind, shape, attributes, type) in layers {
            var operands: [Operand] = [.value(current)]
            if !shape.isEmpty {
                graph.constants[name + ".w"] = Constant(Tensor(shape: shape, scalars: values(shape.reduce(1, *), zeros: 0.8)))
                graph.constants[name + ".b"] = Constant(Tensor(shape: [shape[0]], scalars: values(shape[0], zeros: 0)))
                operands += [.constant(name + ".w"), .constant(name + ".b")]
            }
            graph.operations.append(Operation(result: name, kind: kind, operands: operands, attributes: attributes, type: TensorType(type)))
            current = name
        }
        graph.outputs = [current]
        return graph
    }

    /// Input channels, conv→conv channels, flattened channels and outputs
    /// all permuted: the client's input and output permutations make the
    /// plan compute the original function.
    @Test func permutedMultiChannelCNNCompilesToAPlanThatComputesIt() throws {
        var graph = Self.cnn(seed: 21)
        // Input channel 1 is unused: moving it last empties whole column
        // tiles of c1 (9 columns per channel, 4 per tile).
        if var weight = graph.constants["c1.w"]?.value {
            for o in 0..<8 { for k in 0..<9 { weight.scalars[o * 27 + 9 + k] = 0 } }
            graph.constants["c1.w"]?.value = weight
        }
        try graph.verify()
        var permuted = graph
        try PassManager(parsing: "permute{tile=4x4}").run(on: &permuted)
        #expect(permuted.constants["c1.w"] != graph.constants["c1.w"] && permuted.constants["c2.w"] != graph.constants["c2.w"])
        let options = PlanCompiler.Options(t1: 4, t2: 4, logN: 11, insecure: true)
        let plan = try PlanCompiler(options: options).compile(permuted)
        #expect(plan.inputPermutation != nil)
        let inputs = PlanTestSupport.randomInputs(6, features: 108, seed: 5)
        let expected = try PlanTestSupport.reference(graph, inputs)
        let actual = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(inputs))
        #expect(PlanTestSupport.maxDifference(expected, actual) < 1e-4)
    }
}
