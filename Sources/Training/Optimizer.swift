/// The parameter update rule.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    /// SGD with (heavy-ball) momentum: v ← μ·v + g, w ← w − η·v.
    case sgd
    /// Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) with bias correction.
    case adam
}

/// Applies updates to a network's parameters and keeps masked weights at
/// exactly zero. Weight decay is L2 (λ·w added to the gradient, as in
/// PyTorch's `SGD` and `Adam`), on dense and conv weights only.
final class Optimizer {
    /// The constants of one update, passed to the kernels.
    struct Step {
        var rate: Float, momentum: Float, decay: Float
        var beta1: Float, beta2: Float, epsilon: Float
        var correction1: Float, correction2: Float
    }

    let kind: OptimizerKind
    let momentum: Float
    let weightDecay: Float
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    private var beta1Power = 1.0, beta2Power = 1.0

    init(kind: OptimizerKind, momentum: Double, weightDecay: Double) {
        self.kind = kind
        self.momentum = Float(momentum)
        self.weightDecay = Float(weightDecay)
    }

    /// One update of every trainable parameter with learning rate `rate`.
    func step(_ parameters: [Parameter], rate: Double) {
        beta1Power *= Double(beta1)
        beta2Power *= Double(beta2)
        for parameter in parameters where parameter.isTrainable {
            let step = Step(rate: Float(rate), momentum: momentum, decay: parameter.decays ? weightDecay : 0,
                            beta1: beta1, beta2: beta2, epsilon: epsilon,
                            correction1: Float(1 - beta1Power), correction2: Float(1 - beta2Power))
            if parameter.moment1.count != parameter.values.count {
                parameter.moment1 = Array(repeating: 0, count: parameter.values.count)
            }
            switch kind {
            case .sgd:
                Optimizer.sgd(parameter, step)
            case .adam:
                if parameter.moment2.count != parameter.values.count {
                    parameter.moment2 = Array(repeating: 0, count: parameter.values.count)
                }
                Optimizer.adam(parameter, step)
            }
            parameter.applyMask()
        }
    }
}

extension Double {
    /// `self` raised to a non-negative integer power.
    func power(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= self }
        return result
    }
}
