import HepexcIR

/// `relu`, `sigmoid`, `tanh`: element-wise activations without parameters.
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
        default: for i in dx.indices { dx[i] *= 1 - cached[i] * cached[i] }
        }
        return [TrainingTensor(shape: gradient.shape, values: dx)]
    }
}
