import HepexcModArith
import HepexcRing
import CHepexcVector

extension Evaluator {
    /// Fused tensor product, parallel over limbs; the middle term uses one reduction.
    /// - Parameter pool: where `c_2`'s array comes from (give it back after use), else fresh.
    static func tensor(_ a0: Poly<Eval>, _ a1: Poly<Eval>, _ b0: Poly<Eval>, _ b1: Poly<Eval>,
                       pool: ScratchPool? = nil) -> (Poly<Eval>, Poly<Eval>, Poly<Eval>) {
        let ring = a0.context
        let n = ring.degree
        let count = a0.data.count
        // Every word is written below.
        var c0 = Poly<Eval>(context: ring, data: uninitializedWords(count))
        var c1 = Poly<Eval>(context: ring, data: uninitializedWords(count))
        var c2 = Poly<Eval>(context: ring, data: pool?.take(count) ?? uninitializedWords(count))
        a0.data.withUnsafeBufferPointer { pa0 in
        a1.data.withUnsafeBufferPointer { pa1 in
        b0.data.withUnsafeBufferPointer { pb0 in
        b1.data.withUnsafeBufferPointer { pb1 in
        c0.data.withUnsafeMutableBufferPointer { pc0 in
        c1.data.withUnsafeMutableBufferPointer { pc1 in
        c2.data.withUnsafeMutableBufferPointer { pc2 in
            let box = UncheckedSendableBox((pa0.baseAddress!, pa1.baseAddress!, pb0.baseAddress!, pb1.baseAddress!,
                                            pc0.baseAddress!, pc1.baseAddress!, pc2.baseAddress!))
            let ifma = VectorISA.current == .ifma && n % 8 == 0
            ring.parallelism.forEach(ring.limbCount) { limb in
                let (x0, x1, y0, y1, z0, z1, z2) = box.value
                let q = ring.moduli[limb]
                let start = limb * n
                if ifma && q.value < VectorISA.ifmaModulusBound {
                    hepexc_tensor52(z0 + start, z1 + start, z2 + start, x0 + start, x1 + start, y0 + start, y1 + start,
                                    n, q.value)
                    return
                }
                for k in start..<(start + n) {
                    let u0 = x0[k], u1 = x1[k], v0 = y0[k], v1 = y1[k]
                    z0[k] = q.mulMod(u0, v0)
                    z2[k] = q.mulMod(u1, v1)
                    let p = u0.multipliedFullWidth(by: v1), r = u1.multipliedFullWidth(by: v0)
                    let (low, carry) = p.low.addingReportingOverflow(r.low)
                    z1[k] = q.reduce(high: p.high &+ r.high &+ (carry ? 1 : 0), low: low)
                }
            }
        }}}}}}}
        return (c0, c1, c2)
    }

    /// `(Σ ct_i.c0 ⊙ pt_i, Σ ct_i.c1 ⊙ pt_i)` with 128-bit accumulation, reduced every
    /// 2^(126 − 2·bits) terms.
    static func innerProduct(_ cts: [Ciphertext], _ pts: [Plaintext]) -> (Poly<Eval>, Poly<Eval>) {
        let ring = cts[0].polys[0].context
        let n = ring.degree
        var out0 = Poly<Eval>(zeroIn: ring), out1 = out0
        out0.data.withUnsafeMutableBufferPointer { o0 in
            out1.data.withUnsafeMutableBufferPointer { o1 in
                let box = UncheckedSendableBox((o0.baseAddress!, o1.baseAddress!))
                ring.parallelism.forEach(ring.limbCount) { limb in
                    let q = ring.moduli[limb]
                    let chunk = 1 << min(20, max(0, 128 - 2 * q.bitWidth))
                    let start = limb * n
                    // 128-bit accumulators (low, high) for both output polynomials, in raw
                    // memory: array subscripts would bounds-check in the innermost loop.
                    let accumulators = UnsafeMutablePointer<UInt64>.allocate(capacity: 4 * n)
                    defer { accumulators.deallocate() }
                    accumulators.initialize(repeating: 0, count: 4 * n)
                    let low0 = accumulators, high0 = accumulators + n, low1 = accumulators + 2 * n, high1 = accumulators + 3 * n
                    for (t, (ct, pt)) in zip(cts, pts).enumerated() {
                        ct.polys[0].data.withUnsafeBufferPointer { c0 in
                        ct.polys[1].data.withUnsafeBufferPointer { c1 in
                        pt.poly.data.withUnsafeBufferPointer { p in
                            guard let c0 = c0.baseAddress, let c1 = c1.baseAddress, let p = p.baseAddress else { return }
                            for k in 0..<n {
                                let w = p[start + k]
                                let m0 = c0[start + k].multipliedFullWidth(by: w)
                                let m1 = c1[start + k].multipliedFullWidth(by: w)
                                let (s0, f0) = low0[k].addingReportingOverflow(m0.low)
                                low0[k] = s0; high0[k] = high0[k] &+ m0.high &+ (f0 ? 1 : 0)
                                let (s1, f1) = low1[k].addingReportingOverflow(m1.low)
                                low1[k] = s1; high1[k] = high1[k] &+ m1.high &+ (f1 ? 1 : 0)
                            }
                        }}}
                        if (t + 1) % chunk == 0 {
                            for k in 0..<n {
                                low0[k] = q.reduce(high: high0[k], low: low0[k]); high0[k] = 0
                                low1[k] = q.reduce(high: high1[k], low: low1[k]); high1[k] = 0
                            }
                        }
                    }
                    let (x0, x1) = box.value
                    for k in 0..<n {
                        x0[start + k] = q.reduce(high: high0[k], low: low0[k])
                        x1[start + k] = q.reduce(high: high1[k], low: low1[k])
                    }
                }
            }
        }
        return (out0, out1)
    }
}
