extension BatchNormLayer {
    /// Per-channel mean and biased variance over the batch and spatial axes.
    static func statistics(_ x: [Float], batch: Int, channels: Int, inner: Int) -> (mean: [Float], variance: [Float]) {
        var sums = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
        x.withUnsafeBufferPointer { xs in
            for b in 0..<batch {
                for c in 0..<channels {
                    let base = (b * channels + c) * inner
                    var s = 0.0, q = 0.0
                    for i in 0..<inner { let v = Double(xs[base + i]); s += v; q += v * v }
                    sums[c] += s
                    squares[c] += q
                }
            }
        }
        let n = Double(batch * inner)
        let mean = sums.map { $0 / n }
        let variance = zip(squares, mean).map { max(0, $0 / n - $1 * $1) }
        return (mean.map { Float($0) }, variance.map { Float($0) })
    }

    static func normalize(_ x: [Float], batch: Int, channels: Int, inner: Int, mean: [Float], inverseStd: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { ys in
                for b in 0..<batch {
                    for c in 0..<channels {
                        let base = (b * channels + c) * inner
                        let (m, s) = (mean[c], inverseStd[c])
                        for i in 0..<inner { ys[base + i] = (xs[base + i] - m) * s }
                    }
                }
            }
        }
        return out
    }

    static func affine(_ x: [Float], batch: Int, channels: Int, inner: Int, scale: [Float], bias: [Float]) -> [Float] {
        var out = x
        out.withUnsafeMutableBufferPointer { ys in
            for b in 0..<batch {
                for c in 0..<channels {
                    let base = (b * channels + c) * inner
                    for i in 0..<inner { ys[base + i] = ys[base + i] * scale[c] + bias[c] }
                }
            }
        }
        return out
    }

    /// Gradients of y = scale·x̂ + bias. Through batch statistics:
    /// dx = scale·σ⁻¹/N · (N·dy − Σdy − x̂·Σ(dy·x̂)); with fixed statistics dx = scale·σ⁻¹·dy.
    static func gradients(_ dy: [Float], normalized: [Float], batch: Int, channels: Int, inner: Int,
                          scale: [Float], inverseStd: [Float], throughStatistics: Bool)
        -> (input: [Float], scale: [Float], bias: [Float]) {
        var dScale = [Float](repeating: 0, count: channels), dBias = [Float](repeating: 0, count: channels)
        var dx = [Float](repeating: 0, count: dy.count)
        dy.withUnsafeBufferPointer { ds in
            normalized.withUnsafeBufferPointer { ns in
                for b in 0..<batch {
                    for c in 0..<channels {
                        let base = (b * channels + c) * inner
                        var s: Float = 0, q: Float = 0
                        for i in 0..<inner { s += ds[base + i]; q += ds[base + i] * ns[base + i] }
                        dBias[c] += s
                        dScale[c] += q
                    }
                }
                let n = Float(batch * inner)
                dx.withUnsafeMutableBufferPointer { xs in
                    for b in 0..<batch {
                        for c in 0..<channels {
                            let base = (b * channels + c) * inner
                            let factor = scale[c] * inverseStd[c]
                            if throughStatistics {
                                let (meanDy, meanDyX) = (dBias[c] / n, dScale[c] / n)
                                for i in 0..<inner {
                                    xs[base + i] = factor * (ds[base + i] - meanDy - ns[base + i] * meanDyX)
                                }
                            } else {
                                for i in 0..<inner { xs[base + i] = factor * ds[base + i] }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dScale, dBias)
    }
}
