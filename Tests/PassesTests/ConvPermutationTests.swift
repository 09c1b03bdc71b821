import Foundation
import HepexcIR
import HepexcPasses
import Testing

/// `permute` on convolution channels (docs/hepex.md, "Permutation"): the
/// filters move with their output channels and, as groups of kh·kw columns,
/// with the next convolution's input channels (or as groups of H·W columns
/// with a dense layer after a flatten), and the function stays the same.
@Suite struct ConvPermutationTests {
    /// Builds a chain graph one operation at a time.
    struct Builder {
        var graph: Graph
        var current: String
        var rng: SplitMix64

        init(input: TensorType, seed: UInt64) {
            graph = Graph(name: "cnn", inputs: [GraphInput(name: "x", type: input)])
            current = "x"
            rng = SplitMix64(seed: seed)
        }

        mutating func random(_ count: Int, zeros: Double = 0, offset: Double = -0.5) -> [Double] {
            (0..<count).map { _ in rng.nextUnitDouble() < zeros ? 0 : Double(Float(rng.nextUnitDouble() + offset)) }
        }

        mutating func constant(_ name: String, _ shape: [Int], zeros: Double = 0, offset: Double = -0.5) -> Operand {
            graph.constants[name] = Constant(Tensor(shape: shape, scalars: random(shape.reduce(1, *), zeros: zeros, offset: offset)))
            return .constant(name)
        }

        mutating func add(_ kind: OpKind, _ operands: [Operand] = [], _ attributes: Attributes = [:], _ shape: [Int]) {
            let name = "v\(graph.operations.count)"
            graph.operations.append(Operation(result: name, kind: kind, operands: [.value(current)] + operands,
                                              attributes: attributes, type: TensorType([nil] + shape)))
            current = name
        }

        mutating func conv(_ name: String, _ input: Int, _ output: Int, kernel: Int, size: Int, zeros: Double) {
            let w = constant("\(name).w", [output, input, kernel, kernel], zeros: zeros)
            let b = constant("\(name).b", [output])
            let pad = kernel / 2
            add(.conv2d, [w, b], ["pads": .ints([pad, pad, pad, pad]), "strides": .ints([1, 1])],
                [output, size + 2 * pad - kernel + 1, size + 2 * pad - kernel + 1])
        }

        mutating func dense(_ name: String, _ input: Int, _ output: Int, zeros: Double) {
            let w = constant("\(name).w", [output, input], zeros: zeros)
            let b = constant("\(name).b", [output])
            add(.dense, [w, b], [:], [output])
        }

        mutating func square(_ shape: [Int]) { add(.poly, [], ["coeffs": .floats([0.125, 0.5, 0.25])], shape) }

        mutating func finish() -> Graph {
            graph.outputs = [current]
            return graph
        }
    }

    /// x [3, 8, 8] → conv 3→8 k3 → batchnorm → add [8,1,1] → poly → avgpool 2
    /// → conv 8→12 k3 → mul [12,4,4] → poly → flatten → dense 192→16 →
    /// x² → dense 16→10 → softmax: every kind of axis a channel can be on.
    static func cnn(seed: UInt64, zeros: Double) -> Graph {
        var b = Builder(input: TensorType([nil, 3, 8, 8]), seed: seed)
        b.conv("c1", 3, 8, kernel: 3, size: 8, zeros: zeros)
        let statistics = ["s", "t", "mu", "var"].map { b.constant("bn.\($0)", [8], offset: 0.5) }
        b.add(.batchnorm, statistics, ["epsilon": .float(1e-5)], [8, 8, 8])
        b.add(.add, [b.constant("shift", [8, 1, 1])], [:], [8, 8, 8])
        b.square([8, 8, 8])
        b.add(.avgpool2d, [], ["kernel": .ints([2, 2])], [8, 4, 4])
        b.conv("c2", 8, 12, kernel: 3, size: 4, zeros: zeros)
        b.add(.mul, [b.constant("scale", [12, 4, 4], offset: 0.5)], [:], [12, 4, 4])
        b.square([12, 4, 4])
        b.add(.reshape, [], ["shape": .ints([192])], [192])
        b.dense("d1", 192, 16, zeros: zeros)
        b.add(.mul, [.value("v\(b.graph.operations.count - 1)")], [:], [16])
        b.dense("d2", 16, 10, zeros: zeros)
        b.add(.softmax, [], ["axis": .int(1)], [10])
        return b.finish()
    }

    /// The largest |a − b| relative to the largest |a| over random inputs.
    static func relativeDifference(_ a: Graph, _ b: Graph, seed: UInt64) throws -> Double {
        let input = try #require(a.inputs.first)
        let shape = [4] + input.type.dimensions.dropFirst().map { $0 ?? 1 }
        var rng = SplitMix64(seed: seed)
        let x = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextUnitDouble() * 2 - 1 })
        let ya = try #require(try Interpreter(a).run([input.name: x])[a.outputs[0]])
        let yb = try #require(try Interpreter(b).run([input.name: x])[b.outputs[0]])
        #expect(ya.shape == yb.shape)
        let scale = ya.scalars.map(abs).max() ?? 1
        return (zip(ya.scalars, yb.scalars).map { abs($0 - $1) }.max() ?? .infinity) / max(scale, 1e-300)
    }

    @Test(arguments: [(UInt64(1), 4), (2, 4), (3, 8)])
    func channelPermutationPreservesTheFunction(_ seed: UInt64, _ tile: Int) throws {
        let graph = Self.cnn(seed: seed, zeros: 0.8)
        try graph.verify()
        var permuted = graph
        try PassManager(parsing: "permute{tile=\(tile)x\(tile),seed=\(seed)}").run(on: &permuted)
        try permuted.verify()
        #expect(try Self.relativeDifference(graph, permuted, seed: seed) < 1e-12)
        let before = try TileStatistics(graph, t1: tile, t2: tile), after = try TileStatistics(permuted, t1: tile, t2: tile)
        #expect(after.zeroTiles > before.zeroTiles)
        #expect(after.weightSparsity == before.weightSparsity)
        if tile == 4 {
            // Two channel tiles per convolution: the filters moved, and the
            // per-channel constants with them.
            for name in ["c1.w", "c2.w", "shift", "scale", "bn.s"] {
                #expect(permuted.constants[name]?.value != graph.constants[name]?.value, "@\(name) did not move")
            }
            // The input channels are permuted on the client, as flat features.
            let leading = try #require(permuted.operations.first { $0.kind == .permute })
            #expect(leading.attributes["perm"]?.intsValue?.count == 192)
        }
        // Running it again composes with the permutations already there.
        var twice = permuted
        try PassManager(parsing: "permute{tile=\(tile)x\(tile)}").run(on: &twice)
        #expect(twice.operations.filter { $0.kind == .permute }.count == permuted.operations.filter { $0.kind == .permute }.count)
        #expect(try Self.relativeDifference(graph, twice, seed: seed + 5) < 1e-12)
    }

    /// The golden conv→conv→dense case computes what its input computes.
    @Test func goldenConvPermutationKeepsTheFunction() throws {
        let directory = PruningTests.directory
        let original = try Graph(parsing: String(contentsOfFile: "\(directory)/permute_conv.hepir", encoding: .utf8))
        let permuted = try Graph(parsing: String(contentsOfFile: "\(directory)/permute_conv.expected.hepir", encoding: .utf8))
        #expect(permuted.constants["w1"] != original.constants["w1"])
        #expect(try Self.relativeDifference(original, permuted, seed: 1) < 1e-12)
        let before = try TileStatistics(original, t1: 2, t2: 2, firstForm: .typeA)
        let after = try TileStatistics(permuted, t1: 2, t2: 2, firstForm: .typeA)
        #expect(after.zeroTiles > before.zeroTiles)
    }

    /// A convolution whose output channels are the graph output: the client
    /// un-permutes axis 1 of `[B, C, H, W]`.
    @Test func convolutionalOutputGetsAChannelPermute() throws {
        var b = Builder(input: TensorType([nil, 2, 6, 6]), seed: 4)
        b.conv("c1", 2, 8, kernel: 3, size: 6, zeros: 0.85)
        b.square([8, 6, 6])
        b.conv("c2", 8, 8, kernel: 1, size: 6, zeros: 0.85)
        let graph = b.finish()
        var permuted = graph
        try PassManager(parsing: "permute{tile=2x2}").run(on: &permuted)
        try permuted.verify()
        #expect(try Self.relativeDifference(graph, permuted, seed: 6) < 1e-12)
        let last = try #require(permuted.operations.last)
        #expect(last.kind == .permute && last.attributes["axis"]?.intValue == 1 && last.type.rank == 4)
        #expect(try TileStatistics(permuted, t1: 2, t2: 2).zeroTiles >= TileStatistics(graph, t1: 2, t2: 2).zeroTiles)
    }

    /// Two 1×1 convolutions whose channels hide a block structure (8
    /// channels in 4 pairs, shuffled): permutation finds zero tiles again.
    @Test func channelBlocksAreRecovered() throws {
        var rng = SplitMix64(seed: 12)
        var channels = Array(0..<8)
        channels.shuffle(using: &rng)
        let block = { (channel: Int) in channels.firstIndex(of: channel).map { $0 / 2 } ?? 0 }
        var first = [Double](repeating: 0, count: 8 * 8), second = first
        for o in 0..<8 { for i in 0..<8 where block(o) == i / 2 { first[o * 8 + i] = Double(o + i + 1) } }
        for o in 0..<8 { for i in 0..<8 where block(i) == o / 2 { second[o * 8 + i] = Double(o - i) + 0.5 } }
        let graph = Graph(
            name: "blocks",
            constants: ["w1": Constant(Tensor(shape: [8, 8, 1, 1], scalars: first)),
                        "w2": Constant(Tensor(shape: [8, 8, 1, 1], scalars: second))],
            inputs: [GraphInput(name: "x", type: TensorType([nil, 8, 3, 3]))],
            operations: [Operation(result: "a", kind: .conv2d, operands: [.value("x"), .constant("w1")], type: TensorType([nil, 8, 3, 3])),
                         Operation(result: "b", kind: .poly, operands: [.value("a")], attributes: ["coeffs": .floats([0, 1, 1])],
                                   type: TensorType([nil, 8, 3, 3])),
                         Operation(result: "y", kind: .conv2d, operands: [.value("b"), .constant("w2")], type: TensorType([nil, 8, 3, 3]))],
            outputs: ["y"])
        try graph.verify()
        var permuted = graph
        try PassManager(parsing: "permute{tile=2x2,first-form=A}").run(on: &permuted)
        let before = try TileStatistics(graph, t1: 2, t2: 2, firstForm: .typeA).zeroTiles
        let after = try TileStatistics(permuted, t1: 2, t2: 2, firstForm: .typeA).zeroTiles
        // 2 × 16 tiles; the block structure leaves 12 zero per layer.
        #expect(after == 24, "\(before) zero tiles before, \(after) after")
        #expect(try Self.relativeDifference(graph, permuted, seed: 2) < 1e-12)
    }

    /// Axes next to operations that mix channels stay fixed, so the
    /// function is still the same.
    @Test func channelMixingOperationsKeepTheirAxesFixed() throws {
        var b = Builder(input: TensorType([nil, 1, 6, 6]), seed: 8)
        b.conv("c1", 1, 4, kernel: 3, size: 6, zeros: 0.5)
        // Broadcast along W, not per channel: [4] against [B, 4, 6, 6] reads W.
        b.add(.add, [b.constant("row", [6])], [:], [4, 6, 6])
        b.conv("c2", 4, 4, kernel: 3, size: 6, zeros: 0.5)
        b.add(.transpose, [], ["perm": .ints([0, 1, 3, 2])], [4, 6, 6])
        b.add(.reshape, [], ["shape": .ints([144])], [144])
        b.dense("d1", 144, 8, zeros: 0.9)
        let graph = b.finish()
        try graph.verify()
        var permuted = graph
        try PassManager(parsing: "permute{tile=2x2}").run(on: &permuted)
        #expect(permuted.constants["c1.w"] == graph.constants["c1.w"])
        #expect(permuted.constants["c2.w"] == graph.constants["c2.w"])
        #expect(try Self.relativeDifference(graph, permuted, seed: 3) < 1e-12)
    }

    /// A residual connection is not a chain: one clear error, no crash.
    @Test func branchingGraphsAreRefusedWithOneLine() throws {
        var b = Builder(input: TensorType([nil, 2, 4, 4]), seed: 3)
        b.conv("c1", 2, 2, kernel: 3, size: 4, zeros: 0.5)
        b.add(.add, [.value("x")], [:], [2, 4, 4])
        var graph = b.finish()
        try graph.verify()
        #expect {
            try PassManager(parsing: "permute{tile=2x2}").run(on: &graph)
        } throws: { error in
            let message = "\(error)"
            return error is PassError && message.contains("single input→output chain") && !message.contains("\n")
        }
    }
}
