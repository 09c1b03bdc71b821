import HepexcIR
@testable import HepexcTraining
import Testing

@Suite("Network forward pass")
struct ForwardTests {
    /// A graph using every layer kind the trainer supports.
    static func everyLayerGraph() throws -> TestGraphBuilder {
        var b = TestGraphBuilder(input: [2, 9, 9])
        let w = b.constant("conv.w", [3, 2, 3, 3])
        let bias = b.constant("conv.b", [3], scale: 0.1)
        var x = try b.op(.conv2d, [b.inputOperand, w, bias], ["strides": .ints([2, 1]), "pads": .ints([1, 0, 1, 2])])
        let scale = b.constant("bn.scale", [3], scale: 0.2, offset: 1)
        let shift = b.constant("bn.bias", [3], scale: 0.2)
        let mean = b.constant("bn.mean", [3], scale: 0.2)
        let variance = b.constant("bn.var", [3], scale: 0.2, offset: 1)
        x = try b.op(.batchnorm, [x, scale, shift, mean, variance], ["epsilon": .float(1e-5)])
        x = try b.op(.poly, [x], ["coeffs": .floats([0.1, 0.5, 0.25])])
        x = try b.op(.avgpool2d, [x], ["kernel": .ints([2, 2]), "strides": .ints([1, 2]), "pads": .ints([1, 1, 0, 0])])
        x = try b.op(.transpose, [x], ["perm": .ints([0, 2, 3, 1])])
        x = try b.op(.relu, [x])
        x = try b.op(.reshape, [x], ["shape": .ints([try b.itemCount(x)])])
        let shift2 = b.constant("shift", [1], scale: 0.1)
        x = try b.op(.add, [x, shift2])
        let w2 = b.constant("fc.w", [4, try b.itemCount(x)], scale: 0.3)
        let b2 = b.constant("fc.b", [4], scale: 0.1)
        x = try b.op(.dense, [x, w2, b2])
        x = try b.op(.tanh, [x])
        let w3 = b.constant("fc2.w", [3, 4], scale: 0.5)
        x = try b.op(.dense, [x, w3])
        try b.op(.softmax, [x], ["axis": .int(1)])
        return b
    }

    @Test("agrees with the reference interpreter")
    func agreesWithInterpreter() throws {
        var b = try Self.everyLayerGraph()
        let input = b.inputs(batch: 5)
        let expected = try Interpreter(b.graph).run(["input": input])[b.graph.outputs[0]]
        let network = try Network(b.graph)
        let output = network.forward(TrainingTensor(input), mode: .inference)
        let reference = try #require(expected)
        #expect(output.shape == reference.shape)
        for (a, e) in zip(output.values, reference.scalars) {
            #expect(abs(Double(a) - e) <= 1e-5 + 1e-4 * abs(e))
        }
    }

    @Test("global average pooling and max pooling agree with the interpreter")
    func pooling() throws {
        for kind in [OpKind.globalAvgpool, .maxpool2d] {
            var b = TestGraphBuilder(input: [2, 5, 5])
            let attributes: Attributes = kind == .maxpool2d ? ["kernel": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])] : [:]
            try b.op(kind, [b.inputOperand], attributes)
            let input = b.inputs(batch: 3)
            let reference = try #require(try Interpreter(b.graph).run(["input": input])[b.graph.outputs[0]])
            let output = try Network(b.graph).forward(TrainingTensor(input), mode: .inference)
            for (a, e) in zip(output.values, reference.scalars) { #expect(abs(Double(a) - e) <= 1e-6) }
        }
    }
}

extension TestGraphBuilder {
    func itemCount(_ operand: Operand) throws -> Int {
        try #require(graph.valueTypes[operand.name]?.elementsPerItem)
    }
}
