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

    /// `(Σ ct_i.c0 ⊙ pt_i, Σ ct_i.c1 ⊙ pt_i)`, parallel over limbs (`LazyInnerProduct`).
    static func innerProduct(_ cts: [Ciphertext], _ pts: [Plaintext]) -> (Poly<Eval>, Poly<Eval>) {
        let n = cts[0].polys[0].context.degree
        return LazyInnerProduct.sum(cts, parallelism: cts[0].polys[0].context.parallelism, stride: PerCoefficient.self) { t, limb, body in
            pts[t].poly.data.withUnsafeBufferPointer { p in
                guard let p = p.baseAddress else { return }
                body(p + limb * n)
            }
        }
    }

    /// `(Σ ct_i.c0 · c_i, Σ ct_i.c1 · c_i)` for integer constants `c_i`
    /// (|c_i| < 2^63), each reduced once per limb (`LazyInnerProduct`).
    static func constantInnerProduct(_ cts: [Ciphertext], _ constants: [Int64], parallelism: Parallelism) -> (Poly<Eval>, Poly<Eval>) {
        let ring = cts[0].polys[0].context
        return LazyInnerProduct.sum(cts, parallelism: parallelism, stride: PerLimb.self) { t, limb, body in
            withUnsafePointer(to: ring.moduli[limb].reduce(signed: constants[t])) { body($0) }
        }
    }
}
