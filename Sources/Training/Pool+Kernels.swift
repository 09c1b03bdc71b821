extension PoolLayer {
    /// Forward pooling; returns the output, its spatial size and (max
    /// pooling) the winning input index of every output.
    static func pool(_ x: [Float], shape: [Int], _ w: Window) -> ([Float], Int, Int, [Int32]) {
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let outH = (height + w.pads[0] + w.pads[2] - w.kernel[0]) / w.strides[0] + 1
        let outW = (width + w.pads[1] + w.pads[3] - w.kernel[1]) / w.strides[1] + 1
        var out = [Float](repeating: 0, count: planes * outH * outW)
        var winners = [Int32](repeating: -1, count: w.isMax ? out.count : 0)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { ys in
                winners.withUnsafeMutableBufferPointer { wins in
                    for plane in 0..<planes {
                        let base = plane * height * width
                        for oy in 0..<outH {
                            for ox in 0..<outW {
                                var accumulator: Float = w.isMax ? -.infinity : 0
                                var best = -1
                                var count = 0
                                for ky in 0..<w.kernel[0] {
                                    let iy = oy * w.strides[0] + ky - w.pads[0]
                                    for kx in 0..<w.kernel[1] {
                                        let ix = ox * w.strides[1] + kx - w.pads[1]
                                        guard iy >= 0, iy < height, ix >= 0, ix < width else {
                                            if w.countIncludePad { count += 1 }
                                            continue
                                        }
                                        let index = base + iy * width + ix
                                        if w.isMax {
                                            if xs[index] > accumulator { accumulator = xs[index]; best = index }
                                        } else {
                                            accumulator += xs[index]
                                        }
                                        count += 1
                                    }
                                }
                                let target = (plane * outH + oy) * outW + ox
                                if w.isMax {
                                    ys[target] = accumulator
                                    wins[target] = Int32(best)
                                } else {
                                    ys[target] = accumulator / Float(max(count, 1))
                                }
                            }
                        }
                    }
                }
            }
        }
        return (out, outH, outW, winners)
    }

    /// The adjoint of ``pool(_:shape:_:)``.
    static func unpool(_ dy: [Float], outShape: [Int], inputShape: [Int], _ w: Window, winners: [Int32]) -> [Float] {
        let (planes, height, width) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3])
        let (outH, outW) = (outShape[2], outShape[3])
        var dx = [Float](repeating: 0, count: planes * height * width)
        dy.withUnsafeBufferPointer { ds in
            dx.withUnsafeMutableBufferPointer { xs in
                if w.isMax {
                    for index in 0..<ds.count where winners[index] >= 0 { xs[Int(winners[index])] += ds[index] }
                    return
                }
                for plane in 0..<planes {
                    let base = plane * height * width
                    for oy in 0..<outH {
                        for ox in 0..<outW {
                            var count = 0
                            for ky in 0..<w.kernel[0] {
                                let iy = oy * w.strides[0] + ky - w.pads[0]
                                for kx in 0..<w.kernel[1] {
                                    let ix = ox * w.strides[1] + kx - w.pads[1]
                                    if iy >= 0, iy < height, ix >= 0, ix < width { count += 1 } else if w.countIncludePad { count += 1 }
                                }
                            }
                            let share = ds[(plane * outH + oy) * outW + ox] / Float(max(count, 1))
                            for ky in 0..<w.kernel[0] {
                                let iy = oy * w.strides[0] + ky - w.pads[0]
                                guard iy >= 0, iy < height else { continue }
                                for kx in 0..<w.kernel[1] {
                                    let ix = ox * w.strides[1] + kx - w.pads[1]
                                    guard ix >= 0, ix < width else { continue }
                                    xs[base + iy * width + ix] += share
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
