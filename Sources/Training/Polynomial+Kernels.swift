#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func libm_expf(_ x: Float) -> Float { expf(x) }
private func libm_tanhf(_ x: Float) -> Float { tanhf(x) }
private func libm_logf(_ x: Float) -> Float { logf(x) }

extension PolynomialLayer {
    static func exp(_ x: Float) -> Float { libm_expf(x) }
    static func tanh(_ x: Float) -> Float { libm_tanhf(x) }
    static func log(_ x: Float) -> Float { libm_logf(x) }

    /// Horner evaluation of Σ cᵢ·xⁱ for every element.
    static func evaluate(_ x: [Float], _ c: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        if c.count == 3 {
            let (c0, c1, c2) = (c[0], c[1], c[2])
            x.withUnsafeBufferPointer { xs in
                out.withUnsafeMutableBufferPointer { ys in
                    for i in 0..<xs.count { let v = xs[i]; ys[i] = (c2 * v + c1) * v + c0 }
                }
            }
            return out
        }
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { ys in
                for i in 0..<xs.count {
                    var result: Float = 0
                    for coefficient in c.reversed() { result = result * xs[i] + coefficient }
                    ys[i] = result
                }
            }
        }
        return out
    }

    /// dL/dx = dy·Σ i·cᵢ·xⁱ⁻¹ (when `wantInput`) and dL/dcᵢ = Σ dy·xⁱ.
    static func gradients(_ x: [Float], _ c: [Float], _ dy: [Float], wantInput: Bool) -> (input: [Float]?, coefficients: [Float]) {
        if c.count == 3 { return gradientsDegree2(x, c, dy, wantInput: wantInput) }
        var dx = wantInput ? [Float](repeating: 0, count: x.count) : []
        // Accumulate coefficient gradients in Double: they sum over the whole batch.
        var dc = [Double](repeating: 0, count: c.count)
        let degree = c.count - 1
        x.withUnsafeBufferPointer { xs in
            dy.withUnsafeBufferPointer { ds in
                dx.withUnsafeMutableBufferPointer { out in
                    for i in 0..<xs.count {
                        let v = xs[i], d = ds[i]
                        var power: Float = 1
                        var derivative: Float = 0
                        for k in 0...degree {
                            dc[k] += Double(d * power)
                            if k < degree { derivative += Float(k + 1) * c[k + 1] * power }
                            power *= v
                        }
                        if wantInput { out[i] = d * derivative }
                    }
                }
            }
        }
        return (wantInput ? dx : nil, dc.map { Float($0) })
    }

    /// The degree-2 case of ``gradients(_:_:_:wantInput:)``, accumulating
    /// coefficient gradients in `Float` blocks of 1024 elements then `Double`.
    static func gradientsDegree2(_ x: [Float], _ c: [Float], _ dy: [Float], wantInput: Bool) -> (input: [Float]?, coefficients: [Float]) {
        var dx = wantInput ? [Float](repeating: 0, count: x.count) : []
        var total = (0.0, 0.0, 0.0)
        let (c1, twoC2) = (c[1], 2 * c[2])
        x.withUnsafeBufferPointer { xs in
            dy.withUnsafeBufferPointer { ds in
                dx.withUnsafeMutableBufferPointer { out in
                    var start = 0
                    while start < xs.count {
                        let end = min(xs.count, start + 1024)
                        var (s0, s1, s2): (Float, Float, Float) = (0, 0, 0)
                        for i in start..<end {
                            let v = xs[i], d = ds[i]
                            s0 += d
                            s1 += d * v
                            s2 += d * v * v
                            if wantInput { out[i] = d * (c1 + twoC2 * v) }
                        }
                        total.0 += Double(s0)
                        total.1 += Double(s1)
                        total.2 += Double(s2)
                        start = end
                    }
                }
            }
        }
        return (wantInput ? dx : nil, [Float(total.0), Float(total.1), Float(total.2)])
    }
}
