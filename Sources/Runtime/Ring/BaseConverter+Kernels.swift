extension BaseConverter {
    /// Base conversion over raw limbs (both phases below, all targets).
    /// - Parameters: `input` `source.count` limbs of N residues in `[0, a_i)`; `output`
    ///   `target.count` limbs (overwritten, in `[0, b_j)`); `exact` subtract `v·A`.
    public func convertKernel(input: UnsafePointer<UInt64>, output: UnsafeMutablePointer<UInt64>,
                              degree n: Int, exact: Bool, parallelism: Parallelism) {
        var y = [UInt64](repeating: 0, count: source.count * n)
        var v = [UInt64](repeating: 0, count: exact ? n : 0)
        y.withUnsafeMutableBufferPointer { yBuffer in
            prepare(input: input, into: yBuffer.baseAddress!, degree: n)
            if exact {
                v.withUnsafeMutableBufferPointer { vBuffer in
                    overflowCounts(y: yBuffer.baseAddress!, into: vBuffer.baseAddress!, degree: n)
                }
            }
        }
        let yBox = UncheckedSendableBox(y), vBox = UncheckedSendableBox(v)
        let out = UncheckedSendableBox(output)
        parallelism.forEach(target.count) { j in
            yBox.value.withUnsafeBufferPointer { yb in
                vBox.value.withUnsafeBufferPointer { vb in
                    accumulate(y: yb.baseAddress!, target: j, into: out.value + j * n, degree: n,
                               overflow: exact ? vb.baseAddress! : nil)
                }
            }
        }
    }

    /// Phase 1: `y_i = x_i·[(A/a_i)⁻¹]_{a_i}` for every source limb (a copy when `A` is one prime).
    /// - Parameters: `input`, `y` `source.count` limbs of N residues.
    public func prepare(input: UnsafePointer<UInt64>, into y: UnsafeMutablePointer<UInt64>, degree n: Int) {
        if source.count == 1 {
            y.update(from: input, count: n)
            return
        }
        for i in 0..<source.count {
            let w = hatInverse[i], q = source[i].value
            let src = input + i * n, dst = y + i * n
            for k in 0..<n { dst[k] = w.multiply(src[k], modulus: q) }
        }
    }

    /// `v = round(Σ_i y_i/a_i)` per coefficient (the multiple of A to remove for exactness;
    /// `0 ≤ v ≤ m`). With one source prime, `v = 1` exactly for residues above `a_0/2`.
    public func overflowCounts(y: UnsafePointer<UInt64>, into v: UnsafeMutablePointer<UInt64>, degree n: Int) {
        // Row by row (sequential, vectorisable), the sums in a double buffer.
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0.5, count: n)  // + 1/2: truncation rounds to nearest (sum ≥ 0)
        for i in 0..<source.count {
            let r = reciprocal[i], row = y + i &* n
            for k in 0..<n { sums[k] += Double(row[k]) * r }
        }
        for k in 0..<n { v[k] = UInt64(sums[k]) }
    }

    /// Phase 2 for one target prime `b_j`: `Σ_i y_i·[A/a_i]_{b_j}` (128-bit accumulation,
    /// one Barrett reduction), minus `v·[A]_{b_j}` when `overflow` is given.
    /// - Parameters: `y` from `prepare`; `dst` N residues, overwritten with values in `[0, b_j)`.
    public func accumulate(y: UnsafePointer<UInt64>, target j: Int, into dst: UnsafeMutablePointer<UInt64>,
                           degree n: Int, overflow: UnsafePointer<UInt64>?) {
        let b = target[j]
        let hats = hatModTarget[j]
        let m = source.count
        if m == 1 {
            if b.value > source[0].value {
                dst.update(from: y, count: n)
            } else {
                for k in 0..<n { dst[k] = b.reduce(y[k]) }
            }
        } else {
            // Blocked: per block of coefficients, 128-bit accumulators stay in L1 while each
            // source limb streams sequentially.
            let block = min(n, 512)
            let acc = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * block)
            defer { acc.deallocate() }
            let low = acc, high = acc + block
            hats.withUnsafeBufferPointer { hb in
                let h = hb.baseAddress!
                var start = 0
                while start < n {
                    acc.initialize(repeating: 0, count: 2 * block)
                    for i in 0..<m {
                        let w = h[i]
                        let src = y + (i &* n &+ start)
                        for k in 0..<block {
                            let p = src[k].multipliedFullWidth(by: w)
                            let (sum, carry) = low[k].addingReportingOverflow(p.low)
                            low[k] = sum
                            high[k] = high[k] &+ p.high &+ (carry ? 1 : 0)
                        }
                    }
                    if let v = overflow {
                        // −v·[A]_{b_j} as one more term: v·(b_j − [A]_{b_j}).
                        let w = b.negateMod(productModTarget[j])
                        let src = v + start
                        for k in 0..<block {
                            let p = src[k].multipliedFullWidth(by: w)
                            let (sum, carry) = low[k].addingReportingOverflow(p.low)
                            low[k] = sum
                            high[k] = high[k] &+ p.high &+ (carry ? 1 : 0)
                        }
                    }
                    let out = dst + start
                    for k in 0..<block { out[k] = b.reduce(high: high[k], low: low[k]) }
                    start &+= block
                }
            }
        }
        if m == 1, let v = overflow {
            // v ≤ m (a rounded sum of m fractions below 1): the m + 1 multiples of [A]_{b_j} in a table.
            let correction = productModTarget[j]
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: m + 1) { multiples in
                var multiple: UInt64 = 0
                for t in 0...m {
                    multiples[t] = multiple
                    multiple = b.addMod(multiple, correction)
                }
                for k in 0..<n { dst[k] = b.subMod(dst[k], multiples[min(Int(v[k]), m)]) }
            }
        }
    }
}
