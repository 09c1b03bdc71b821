extension Optimizer {
    /// v ← μ·v + (g + λ·w); w ← w − η·v. Masked entries get g = 0.
    static func sgd(_ p: Parameter, _ s: Step) {
        let mask = p.mask
        p.gradient.withUnsafeBufferPointer { g in
            p.values.withUnsafeMutableBufferPointer { w in
                p.moment1.withUnsafeMutableBufferPointer { v in
                    for i in 0..<w.count {
                        var gradient = g[i] + s.decay * w[i]
                        if let mask, mask[i] == 0 { gradient = 0 }
                        v[i] = s.momentum * v[i] + gradient
                        w[i] -= s.rate * v[i]
                    }
                }
            }
        }
    }

    /// Adam with bias correction; L2 decay added to the gradient.
    static func adam(_ p: Parameter, _ s: Step) {
        let mask = p.mask
        p.gradient.withUnsafeBufferPointer { g in
            p.values.withUnsafeMutableBufferPointer { w in
                p.moment1.withUnsafeMutableBufferPointer { m in
                    p.moment2.withUnsafeMutableBufferPointer { v in
                        for i in 0..<w.count {
                            var gradient = g[i] + s.decay * w[i]
                            if let mask, mask[i] == 0 { gradient = 0 }
                            m[i] = s.beta1 * m[i] + (1 - s.beta1) * gradient
                            v[i] = s.beta2 * v[i] + (1 - s.beta2) * gradient * gradient
                            let mHat = m[i] / s.correction1, vHat = v[i] / s.correction2
                            w[i] -= s.rate * mHat / (vHat.squareRoot() + s.epsilon)
                        }
                    }
                }
            }
        }
    }
}
