import Foundation
import HepexcData
import HepexcDriver
import HepexcExecutor
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Convolution packing (issue 17, ``PackedLayer``): tiny conv nets compiled
/// batch-packed run under CKKS (insecure small rings) to the float
/// interpreter's outputs within 1e-3, with exactly the predicted operations
/// and no rotation at all.
@Suite struct PackedPlanTests {
    /// A conv net on `[channels, size, size]` images, built with random f32-exact weights.
    struct Net {
        var graph: Graph
        var rng: SplitMix64
        var current = "x"

        init(channels: Int, size: Int, seed: UInt64) {
            graph = Graph(name: "tiny_cnn", inputs: [GraphInput(name: "x", type: TensorType([nil, channels, size, size]))])
            rng = SplitMix64(seed: seed)
        }

        mutating func constant(_ name: String, _ shape: [Int], scale: Double = 0.5) -> Operand {
            let count = shape.reduce(1, *)
            graph.constants[name] = Constant(Tensor(shape: shape, scalars: (0..<count).map { _ in
                Double(Float(Double.random(in: -scale...scale, using: &rng)))
            }))
            return .constant(name)
        }

        mutating func add(_ kind: OpKind, _ operands: [Operand], _ attributes: Attributes, _ shape: [Int]) {
            let name = "v\(graph.operations.count)"
            graph.operations.append(Operation(result: name, kind: kind, operands: [.value(current)] + operands,
                                              attributes: attributes, type: TensorType([nil] + shape)))
            current = name
        }

        /// conv `input → output` channels, k×k kernel, stride, symmetric padding; returns the output side.
        mutating func conv(_ input: Int, _ output: Int, kernel: Int, stride: Int, pad: Int, size: Int) -> Int {
            let side = (size + 2 * pad - kernel) / stride + 1
            let w = constant("c\(graph.operations.count).w", [output, input, kernel, kernel])
            let b = constant("c\(graph.operations.count).b", [output], scale: 0.1)
            add(.conv2d, [w, b], ["pads": .ints([pad, pad, pad, pad]), "strides": .ints([stride, stride])], [output, side, side])
            return side
        }

        mutating func square(_ shape: [Int]) { add(.poly, [], ["coeffs": .floats([0, 0.5, 0.25])], shape) }

        mutating func avgpool(_ channels: Int, size: Int) -> Int {
            add(.avgpool2d, [], ["kernel": .ints([2, 2]), "strides": .ints([2, 2]), "pads": .ints([0, 0, 0, 0])],
                [channels, size / 2, size / 2])
            return size / 2
        }

        mutating func flatten(_ features: Int) { add(.reshape, [], ["shape": .ints([features])], [features]) }

        mutating func dense(_ input: Int, _ output: Int) {
            let w = constant("d\(graph.operations.count).w", [output, input], scale: 0.3)
            let b = constant("d\(graph.operations.count).b", [output], scale: 0.1)
            add(.dense, [w, b], [:], [output])
        }

        mutating func finish() -> Graph {
            graph.outputs = [current]
            return graph
        }
    }

    /// conv 2→3 k3 stride 1 pad 1 → x² → avgpool 2 → conv 3→4 k3 stride 2 pad 1 → x² → flatten → dense → 5.
    static func tinyCNN(seed: UInt64) -> Graph {
        var net = Net(channels: 2, size: 8, seed: seed)
        var side = net.conv(2, 3, kernel: 3, stride: 1, pad: 1, size: 8)
        net.square([3, side, side])
        side = net.avgpool(3, size: side)
        side = net.conv(3, 4, kernel: 3, stride: 2, pad: 1, size: side)
        net.square([4, side, side])
        net.flatten(4 * side * side)
        net.dense(4 * side * side, 5)
        return net.finish()
    }

    static func packedOptions(logN: Int = 7) -> PlanCompiler.Options {
        var options = PlanCompiler.Options(t1: 16, t2: 16, logN: logN, insecure: true)
        options.packed = true
        options.inputRange = -1...1
        return options
    }

    @Test func tinyCNNRunsEncryptedToTheReference() throws {
        let graph = Self.tinyCNN(seed: 31)
        let plan = try PlanCompiler(options: Self.packedOptions()).compile(graph)
        #expect(plan.isPacked && plan.tile == TileShape(t1: 1, t2: 1, t3: 64))
        #expect(plan.rotationSteps.isEmpty && plan.firstInputTileCount == 2 * 8 * 8)
        let kinds = plan.layerCosts().map(\.kind)
        #expect(kinds == ["packed", "poly", "packed", "poly", "packed"], "\(kinds)")
        // conv 1 with padding: border outputs omit the padded terms.
        let first = plan.layerCosts()[0]
        #expect(first.tilesStored < 3 * 64 * 2 * 9 && first.tilesStored > 3 * 36 * 2 * 9)

        // 70 samples: two batch ciphertexts of 64 slots, the second partial.
        let inputs = PlanTestSupport.randomInputs(70, features: 128, seed: 32)
        let expected = try PlanTestSupport.reference(graph, inputs)
        let dataset = Dataset(inputs: inputs, source: .init(path: "random", format: .npz))
        let (report, outputs) = try PlanRunner.runCollectingOutputs(plan, on: dataset, backend: .ckks, threads: 2)
        let error = PlanTestSupport.maxDifference(outputs, expected)
        #expect(outputs.count == 70 && error < 1e-3, "max |decrypted − interpreter| = \(error)")
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
        #expect(report.ops.rotations == 0 && report.ops.plainMultiplies == 0 && report.ops.constantMultiplies > 0)
    }

    @Test(arguments: [(stride: 1, pad: 0), (stride: 2, pad: 0), (stride: 1, pad: 2), (stride: 2, pad: 1)])
    func strideAndPaddingMatchTheInterpreter(_ shape: (stride: Int, pad: Int)) throws {
        var net = Net(channels: 3, size: 7, seed: UInt64(40 + shape.stride * 3 + shape.pad))
        let side = net.conv(3, 2, kernel: 3, stride: shape.stride, pad: shape.pad, size: 7)
        net.square([2, side, side])
        net.flatten(2 * side * side)
        net.dense(2 * side * side, 3)
        let graph = net.finish()
        let plan = try PlanCompiler(options: Self.packedOptions(logN: 6)).compile(graph)
        let inputs = PlanTestSupport.randomInputs(20, features: 3 * 49, seed: 41)
        let expected = try PlanTestSupport.reference(graph, inputs)
        let simulated = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(inputs))
        #expect(PlanTestSupport.maxDifference(simulated, expected) < 1e-5)
        let dataset = Dataset(inputs: inputs, source: .init(path: "random", format: .npz))
        let (report, outputs) = try PlanRunner.runCollectingOutputs(plan, on: dataset, backend: .ckks, threads: 2)
        #expect(PlanTestSupport.maxDifference(outputs, expected) < 1e-3)
        #expect(report.ops == plan.estimatedOpCounts() && report.ops.rotations == 0)
        // Stride and padding are which inputs feed an output: no output
        // reads more than the kernel's 27 inputs in the conv layer.
        guard case .packed(let conv) = plan.layers[0] else { Issue.record("layer 0 is not packed"); return }
        #expect(conv.outFeatures == 2 * side * side)
        #expect((0..<conv.outFeatures).allSatisfy { conv.terms(of: $0).count <= 27 })
    }

    @Test func packedPlansRoundTripAndRefuseHostileLayers() throws {
        let plan = try PlanCompiler(options: Self.packedOptions(logN: 6)).compile(Self.tinyCNN(seed: 51))
        let bytes = try plan.serialized()
        #expect(Array(bytes[8..<12]) == [3, 0, 0, 0])
        #expect(try Plan(serialized: bytes) == plan)
        guard case .packed(let layer) = plan.layers[0] else { Issue.record("layer 0 is not packed"); return }
        func broken(_ edit: (inout PackedLayer) -> Void) -> Plan {
            var copy = plan, changed = layer
            edit(&changed)
            copy.layers[0] = .packed(changed)
            return copy
        }
        let hostile: [(String, Plan)] = [
            ("column outside the input", broken { $0.columns[0] = 10_000 }),
            ("negative column", broken { $0.columns[0] = -1 }),
            ("columns out of order", broken { $0.columns.swapAt(0, 1) }),
            ("offsets past the terms", broken { $0.rowStarts[$0.rowStarts.count - 1] += 1 }),
            ("decreasing offsets", broken { $0.rowStarts[1] = $0.rowStarts[2] + 1 }),
            ("missing offsets", broken { $0.rowStarts.removeLast() }),
            ("non-finite weight", broken { $0.weights[3] = .nan }),
            ("short bias", broken { $0.bias = [1] }),
            ("wrong feature count", broken { $0.inFeatures = 7 }),
            ("tiled tile", { var copy = plan; copy.tile = TileShape(t1: 2, t2: 1, t3: 16); return copy }()),
        ]
        for (what, plan) in hostile {
            #expect(throws: PlanError.self, "\(what)") { try plan.validate() }
            // And through the file: refused on reading, never run.
            #expect(throws: PlanError.self, "\(what)") { try Plan(serialized: plan.serialized()) }
        }
        // A tiled layer in a packed plan.
        var mixed = plan
        let fc = FullyConnectedLayer(name: "fc", form: .typeB, inFeatures: 5, outFeatures: 5, gridRows: 5, gridCols: 5,
                                     tiles: [], bias: nil, isLast: true)
        mixed.layers.append(.fullyConnected(fc))
        #expect(throws: PlanError.self) { try mixed.validate() }
    }

    @Test func tiledPlansStillWriteVersionTwo() throws {
        let graph = PlanTestSupport.mlp([8, 4], seed: 61)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 6, insecure: true)).compile(graph)
        #expect(!plan.isPacked)
        #expect(Array(try plan.serialized()[8..<12]) == [2, 0, 0, 0])
    }
}
