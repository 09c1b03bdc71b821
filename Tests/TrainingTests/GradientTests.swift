import HepexcIR
@testable import HepexcTraining
import Testing

/// Finite-difference checks of every parameter gradient: the loss is
/// L = Σ output·R for a fixed random R (so dL/dOutput = R), or a real loss.
@Suite("Gradients against finite differences")
struct GradientTests {
    /// Checks all trainable parameters of `graph` (up to `limit` entries each).
    static func check(_ graph: Graph, input: Tensor, mode: LayerMode, loss: Loss? = nil, labels: [Int] = [],
                      limit: Int = 12, tolerance: Double = 2e-2) throws {
        let network = try Network(graph)
        let x = TrainingTensor(input)
        var generator = SplitMix64(seed: 99)
        let first = network.forward(x, mode: mode)
        let weights = (0..<first.count).map { _ in generator.uniform(1) }
        let targets = (0..<first.count).map { _ in generator.uniform(1) }
        func objective() -> (Double, TrainingTensor) {
            let out = network.forward(x, mode: mode)
            if let loss {
                let evaluation = loss.evaluate(out, labels: labels, targets: targets)
                return (evaluation.loss, evaluation.gradient)
            }
            var total = 0.0
            for (value, weight) in zip(out.values, weights) { total += Double(value) * Double(weight) }
            return (total, TrainingTensor(shape: out.shape, values: weights))
        }
        // Batch-norm running statistics change on each training forward pass
        // but do not affect the training-mode output, so they need no reset.
        let (_, gradient) = objective()
        network.zeroGradients()
        network.backward(gradient)
        for parameter in network.parameters where parameter.isTrainable {
            let analytic = parameter.gradient
            let step = stride(from: 0, to: parameter.values.count, by: max(1, parameter.values.count / limit))
            for index in step {
                let saved = parameter.values[index]
                let h: Float = 1e-2 * max(1, abs(saved))
                parameter.values[index] = saved + h
                let (plus, _) = objective()
                parameter.values[index] = saved - h
                let (minus, _) = objective()
                parameter.values[index] = saved
                let numeric = (plus - minus) / (2 * Double(h))
                let error = abs(numeric - Double(analytic[index]))
                #expect(error <= tolerance * max(1, abs(numeric)),
                        "\(parameter.name)[\(index)]: analytic \(analytic[index]) numeric \(numeric)")
            }
        }
    }

    @Test("every layer, inference-mode batch norm")
    func everyLayerInference() throws {
        var b = try ForwardTests.everyLayerGraph()
        try Self.check(b.graph, input: b.inputs(batch: 4), mode: .inference)
    }

    @Test("every layer, training-mode batch norm")
    func everyLayerTraining() throws {
        var b = try ForwardTests.everyLayerGraph()
        try Self.check(b.graph, input: b.inputs(batch: 4), mode: .training)
    }

    @Test("cross-entropy and MSE losses")
    func losses() throws {
        var b = TestGraphBuilder(input: [6])
        let w = b.constant("w", [8, 6])
        let bias = b.constant("b", [8], scale: 0.1)
        var x = try b.op(.dense, [b.inputOperand, w, bias])
        x = try b.op(.poly, [x], ["coeffs": .floats([0, 0, 1])])
        x = try b.op(.sigmoid, [x])
        let w2 = b.constant("w2", [4, 8])
        try b.op(.dense, [x, w2])
        let input = b.inputs(batch: 5)
        try Self.check(b.graph, input: input, mode: .training, loss: .crossEntropy, labels: [0, 3, 1, 2, 3])
        try Self.check(b.graph, input: input, mode: .training, loss: .meanSquaredError)
    }

    @Test("value-value broadcasting ops (residual add, gated mul)")
    func residual() throws {
        var b = TestGraphBuilder(input: [5])
        let w = b.constant("w", [5, 5])
        let h = try b.op(.dense, [b.inputOperand, w])
        let sum = try b.op(.add, [h, b.inputOperand])
        let w2 = b.constant("w2", [5, 5])
        let g = try b.op(.dense, [sum, w2])
        let product = try b.op(.mul, [g, h])
        try b.op(.sub, [product, sum])
        try Self.check(b.graph, input: b.inputs(batch: 3), mode: .training)
    }
}
