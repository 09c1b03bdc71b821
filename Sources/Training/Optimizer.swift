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
    let kind: OptimizerKind
    let momentum: Float
    let weightDecay: Float
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    private var first: [ObjectIdentifier: [Float]] = [:]
    private var second: [ObjectIdentifier: [Float]] = [:]
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
        let eta = Float(rate)
        let correction1 = Float(1 - beta1Power), correction2 = Float(1 - beta2Power)
        for parameter in parameters where parameter.isTrainable {
            let id = ObjectIdentifier(parameter)
            var g = parameter.gradient
            if weightDecay != 0 && parameter.decays {
                for i in g.indices { g[i] += weightDecay * parameter.values[i] }
            }
            if let mask = parameter.mask { for i in g.indices where mask[i] == 0 { g[i] = 0 } }
            switch kind {
            case .sgd:
                if momentum == 0 {
                    for i in g.indices { parameter.values[i] -= eta * g[i] }
                } else {
                    var v = first[id] ?? Array(repeating: 0, count: g.count)
                    for i in g.indices {
                        v[i] = momentum * v[i] + g[i]
                        parameter.values[i] -= eta * v[i]
                    }
                    first[id] = v
                }
            case .adam:
                var m = first[id] ?? Array(repeating: 0, count: g.count)
                var v = second[id] ?? Array(repeating: 0, count: g.count)
                for i in g.indices {
                    m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                    let mHat = m[i] / correction1, vHat = v[i] / correction2
                    parameter.values[i] -= eta * mHat / (vHat.squareRoot() + epsilon)
                }
                first[id] = m
                second[id] = v
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
