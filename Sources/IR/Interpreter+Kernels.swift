#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions, under names that do not clash with ours.
private func libm_exp(_ x: Double) -> Double { exp(x) }
private func libm_tanh(_ x: Double) -> Double { tanh(x) }

/// The interpreter's arithmetic kernels. Inputs are verified by the caller
/// (shapes and attributes passed ``ShapeInference``), so the loops trust them.
enum Kernels {
    static func exp(_ x: Double) -> Double { libm_exp(x) }
    static func tanh(_ x: Double) -> Double { libm_tanh(x) }

    /// y[b, o] = bias[o] + Σᵢ x[b, i]·W[o, i].
    static func dense(_ x: Tensor, weight: Tensor, bias: Tensor?, element: ElementType) -> Tensor {
        let batch = x.shape[0], inFeatures = weight.shape[1], outFeatures = weight.shape[0]
        var out = [Double](repeating: 0, count: batch * outFeatures)
        x.scalars.withUnsafeBufferPointer { xs in
            weight.scalars.withUnsafeBufferPointer { ws in
                out.withUnsafeMutableBufferPointer { ys in
                    for b in 0..<batch {
                        let row = xs.baseAddress! + b * inFeatures
                        for o in 0..<outFeatures {
                            let weights = ws.baseAddress! + o * inFeatures
                            var sum = 0.0
                            for i in 0..<inFeatures { sum += row[i] * weights[i] }
                            ys[b * outFeatures + o] = sum + (bias?.scalars[o] ?? 0)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, outFeatures], scalars: out, elementType: element)
    }

    /// NCHW convolution, groups 1, dilation 1, zero padding [top, left, bottom, right].
    static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, strides: [Int], pads: [Int],
                       element: ElementType) -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (filters, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let outH = (height + pads[0] + pads[2] - kh) / strides[0] + 1
        let outW = (width + pads[1] + pads[3] - kw) / strides[1] + 1
        var out = [Double](repeating: 0, count: batch * filters * outH * outW)
        x.scalars.withUnsafeBufferPointer { xs in
            weight.scalars.withUnsafeBufferPointer { ws in
                out.withUnsafeMutableBufferPointer { ys in
                    for b in 0..<batch {
                        for f in 0..<filters {
                            let plane = ys.baseAddress! + (b * filters + f) * outH * outW
                            let initial = bias?.scalars[f] ?? 0
                            for index in 0..<(outH * outW) { plane[index] = initial }
                            for c in 0..<channels {
                                let image = xs.baseAddress! + (b * channels + c) * height * width
                                for ky in 0..<kh {
                                    for kx in 0..<kw {
                                        let w = ws[((f * channels + c) * kh + ky) * kw + kx]
                                        if w == 0 { continue }
                                        for oy in 0..<outH {
                                            let iy = oy * strides[0] + ky - pads[0]
                                            if iy < 0 || iy >= height { continue }
                                            let source = image + iy * width
                                            let target = plane + oy * outW
                                            for ox in 0..<outW {
                                                let ix = ox * strides[1] + kx - pads[1]
                                                if ix < 0 || ix >= width { continue }
                                                target[ox] += w * source[ix]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, filters, outH, outW], scalars: out, elementType: element)
    }

    /// Average or max pooling over NCHW windows. Padded positions never win a
    /// max and count towards an average only with `countIncludePad`.
    static func pool2d(_ x: Tensor, isMax: Bool, kernel: [Int], strides: [Int], pads: [Int],
                       countIncludePad: Bool, element: ElementType) -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let outH = (height + pads[0] + pads[2] - kernel[0]) / strides[0] + 1
        let outW = (width + pads[1] + pads[3] - kernel[1]) / strides[1] + 1
        var out = [Double](repeating: 0, count: batch * channels * outH * outW)
        x.scalars.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { ys in
                for plane in 0..<(batch * channels) {
                    let image = xs.baseAddress! + plane * height * width
                    for oy in 0..<outH {
                        for ox in 0..<outW {
                            var accumulator = isMax ? -Double.infinity : 0
                            var count = 0
                            for ky in 0..<kernel[0] {
                                let iy = oy * strides[0] + ky - pads[0]
                                for kx in 0..<kernel[1] {
                                    let ix = ox * strides[1] + kx - pads[1]
                                    guard iy >= 0, iy < height, ix >= 0, ix < width else {
                                        if countIncludePad { count += 1 }
                                        continue
                                    }
                                    let value = image[iy * width + ix]
                                    accumulator = isMax ? max(accumulator, value) : accumulator + value
                                    count += 1
                                }
                            }
                            ys[(plane * outH + oy) * outW + ox] = isMax ? accumulator : accumulator / Double(max(count, 1))
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, channels, outH, outW], scalars: out, elementType: element)
    }

    /// Element-wise `combine` with NumPy broadcasting.
    static func broadcast(_ a: Tensor, _ b: Tensor, element: ElementType,
                          _ combine: (Double, Double) -> Double) -> Tensor {
        if a.shape == b.shape {
            return Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map(combine), elementType: element)
        }
        let map = IndexMap.broadcast(a.shape, b.shape)
        let out = zip(map.a, map.b).map { combine(a.scalars[$0], b.scalars[$1]) }
        return Tensor(shape: map.shape, scalars: out, elementType: element)
    }

    /// Inference-mode batch normalisation over axis 1.
    static func batchNorm(_ x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor,
                          epsilon: Double, element: ElementType) -> Tensor {
        let channels = x.shape[1]
        let inner = x.shape.dropFirst(2).reduce(1, *)
        var out = x.scalars
        for index in 0..<out.count {
            let c = (index / inner) % channels
            let factor = scale.scalars[c] / (variance.scalars[c] + epsilon).squareRoot()
            out[index] = (out[index] - mean.scalars[c]) * factor + bias.scalars[c]
        }
        return Tensor(shape: x.shape, scalars: out, elementType: element)
    }

    /// y[…, i, …] = x[…, perm[i], …] along `axis`.
    static func permute(_ x: Tensor, axis: Int, perm: [Int]) -> Tensor {
        let source = IndexMap.permute(x.shape, axis: axis, perm: perm)
        return Tensor(shape: x.shape, scalars: source.map { x.scalars[$0] }, elementType: x.elementType)
    }

    /// Zero padding (negative entries crop) of an NCHW tensor's H and W.
    static func pad(_ x: Tensor, pads: [Int], element: ElementType) -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let out = PlanePadding.pad(x.scalars, planes: batch * channels, height: height, width: width, pads: pads)
        return Tensor(shape: [batch, channels, height + pads[0] + pads[2], width + pads[1] + pads[3]], scalars: out,
                      elementType: element)
    }

    static func transpose(_ x: Tensor, perm: [Int]) -> Tensor {
        let map = IndexMap.transpose(x.shape, perm: perm)
        return Tensor(shape: map.shape, scalars: map.source.map { x.scalars[$0] }, elementType: x.elementType)
    }

    /// Visits every 1-D lane along `axis`: (start offset, stride, length).
    static func lanes(of shape: [Int], axis: Int, _ body: (Int, Int, Int) -> Void) {
        let inner = shape[(axis + 1)...].reduce(1, *)
        let outer = shape[..<axis].reduce(1, *)
        let length = shape[axis]
        for o in 0..<outer {
            for i in 0..<inner { body(o * length * inner + i, inner, length) }
        }
    }

    static func softmax(_ x: Tensor, axis: Int, element: ElementType) -> Tensor {
        var out = x.scalars
        lanes(of: x.shape, axis: axis) { start, stride, length in
            var peak = -Double.infinity
            for k in 0..<length { peak = max(peak, out[start + k * stride]) }
            var total = 0.0
            for k in 0..<length {
                let e = exp(out[start + k * stride] - peak)
                out[start + k * stride] = e
                total += e
            }
            for k in 0..<length { out[start + k * stride] /= total }
        }
        return Tensor(shape: x.shape, scalars: out, elementType: element)
    }

    /// Index of the first maximum along `axis`, as ONNX ArgMax does.
    static func argmax(_ x: Tensor, axis: Int, keepDims: Bool) -> Tensor {
        var shape = x.shape
        if keepDims { shape[axis] = 1 } else { shape.remove(at: axis) }
        var out: [Double] = []
        out.reserveCapacity(shape.reduce(1, *))
        lanes(of: x.shape, axis: axis) { start, stride, length in
            var best = 0
            for k in 1..<max(length, 1) where x.scalars[start + k * stride] > x.scalars[start + best * stride] {
                best = k
            }
            out.append(Double(best))
        }
        return Tensor(shape: shape, scalars: out, elementType: .i64)
    }
}
