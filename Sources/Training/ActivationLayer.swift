import HepexcIR

/// `relu`, `sigmoid`, `tanh` and `activation {fn}`: element-wise
/// activations without parameters.
final class ActivationLayer: Layer {
    let operation: Operation
    private var cached: [Float] = []

    init(operation: Operation) { self.operation = operation }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        let x = inputs[0]
        let y: [Float]
        switch operation.kind {
        case .relu:
            cached = x.values
            y = x.values.map { max(0, $0) }
        case .sigmoid:
            y = x.values.map { 1 / (1 + PolynomialLayer.exp(-$0)) }
            cached = y
        case .activation:
            cached = x.values
            guard let (function, alpha, beta) = ActivationFunction.of(operation.attributes) else { y = x.values; break }
            y = x.values.map { Float(function(Double($0), alpha: alpha, beta: beta)) }
        default:
            y = x.values.map { PolynomialLayer.tanh($0) }
            cached = y
        }
        return TrainingTensor(shape: x.shape, values: y)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        guard needed.first == true else { return [nil] }
        var dx = gradient.values
        switch operation.kind {
        case .relu: for i in dx.indices where cached[i] <= 0 { dx[i] = 0 }
        case .sigmoid: for i in dx.indices { dx[i] *= cached[i] * (1 - cached[i]) }
        case .activation:
            guard let (function, alpha, beta) = ActivationFunction.of(operation.attributes) else { break }
            for i in dx.indices { dx[i] *= Float(function.derivative(Double(cached[i]), alpha: alpha, beta: beta)) }
        default: for i in dx.indices { dx[i] *= 1 - cached[i] * cached[i] }
        }
        return [TrainingTensor(shape: gradient.shape, values: dx)]
    }
}
