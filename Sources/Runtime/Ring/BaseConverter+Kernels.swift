extension BaseConverter {
    /// Base conversion over raw limbs. `input`: `source.count` limbs of N residues;
    /// `output`: `target.count` limbs of N residues (overwritten, in `[0, b_j)`).
    public func convertKernel(input: UnsafePointer<UInt64>, output: UnsafeMutablePointer<UInt64>,
                              degree n: Int, exact: Bool, parallelism: Parallelism) {
        let m = source.count
        // y_i = x_i · (A/a_i)⁻¹ mod a_i
        var y = [UInt64](repeating: 0, count: m * n)
        var v = [UInt64](repeating: 0, count: exact ? n : 0)
        y.withUnsafeMutableBufferPointer { yBuffer in
            let yp = yBuffer.baseAddress!
            for i in 0..<m {
                let w = hatInverse[i], q = source[i].value
                for k in 0..<n { yp[i * n + k] = w.multiply(input[i * n + k], modulus: q) }
            }
            if exact {
                for k in 0..<n {
                    var sum = 0.0
                    for i in 0..<m { sum += Double(yp[i * n + k]) * reciprocal[i] }
                    v[k] = UInt64(sum.rounded())
                }
            }
        }
        let yBox = UncheckedSendableBox(y), vBox = UncheckedSendableBox(v)
        let out = UncheckedSendableBox(output)
        parallelism.forEach(target.count) { j in
            let b = target[j]
            let hats = hatModTarget[j]
            let dst = out.value + j * n
            yBox.value.withUnsafeBufferPointer { yBuffer in
                let yp = yBuffer.baseAddress!
                if m == 1 {
                    for k in 0..<n { dst[k] = b.mulMod(yp[k], hats[0]) }
                } else {
                    for k in 0..<n {
                        var low: UInt64 = 0, high: UInt64 = 0
                        for i in 0..<m {
                            let p = yp[i * n + k].multipliedFullWidth(by: hats[i])
                            let (s, c) = low.addingReportingOverflow(p.low)
                            low = s
                            high = high &+ p.high &+ (c ? 1 : 0)
                        }
                        dst[k] = b.reduce(high: high, low: low)
                    }
                }
            }
            if exact {
                let correction = productModTarget[j]
                for k in 0..<n {
                    dst[k] = b.subMod(dst[k], b.mulMod(b.reduce(vBox.value[k]), correction))
                }
            }
        }
    }
}
