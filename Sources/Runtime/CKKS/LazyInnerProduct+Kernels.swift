import HepexcModArith
import HepexcRing
import CHepexcVector

/// How far the multiplier pointer moves per coefficient: 1 when every
/// coefficient has its own word (a plaintext limb), 0 when one word
/// multiplies the whole limb (a constant). A type, not a value, so each
/// specialisation of the inner loop reads with a constant stride.
protocol MultiplierStride { static var step: Int { get } }
/// A plaintext limb: one multiplier word per coefficient.
enum PerCoefficient: MultiplierStride { static var step: Int { 1 } }
/// A constant reduced modulo the limb's prime: one word for every coefficient.
enum PerLimb: MultiplierStride { static var step: Int { 0 } }

/// `(Σ_t ct_t.c0 ⊙ w_t, Σ_t ct_t.c1 ⊙ w_t)` with 128-bit lazy accumulation:
/// products are summed unreduced in (low, high) word pairs and reduced
/// every 2^(126 − 2·bits) terms, so one reduction per coefficient remains
/// at the end. The one kernel behind the evaluator's ct·pt inner product
/// and the constant inner product of the convolution packing.
enum LazyInnerProduct {
    /// - Parameters:
    ///   - ciphertexts: two-part ciphertexts at one level (the caller checks).
    ///   - parallelism: limbs run on up to this many threads.
    ///   - multiplier: calls its body with term `t`'s multiplier words for
    ///     limb `limb` (the limb's first word; `Stride` says how they advance).
    static func sum<Stride: MultiplierStride>(
        _ ciphertexts: [Ciphertext], parallelism: Parallelism, stride: Stride.Type,
        multiplier: (_ term: Int, _ limb: Int, _ body: (UnsafePointer<UInt64>) -> Void) -> Void
    ) -> (Poly<Eval>, Poly<Eval>) {
        let ring = ciphertexts[0].polys[0].context
        let n = ring.degree
        var out0 = Poly<Eval>(zeroIn: ring), out1 = out0
        out0.data.withUnsafeMutableBufferPointer { o0 in
        out1.data.withUnsafeMutableBufferPointer { o1 in
            guard let x0 = o0.baseAddress, let x1 = o1.baseAddress else { return }
            let box = UncheckedSendableBox((x0, x1))
            withoutActuallyEscaping(multiplier) { multiplier in
                let multiplierBox = UncheckedSendableBox(multiplier)
                parallelism.forEach(ring.limbCount) { limb in
                    let (x0, x1) = box.value
                    accumulateLimb(ciphertexts, limb: limb, ring: ring, stride: stride, into: x0, x1) { t, body in
                        multiplierBox.value(t, limb, body)
                    }
                }
            }
        }}
        return (out0, out1)
    }

    /// One limb of ``sum(_:parallelism:stride:multiplier:)``, written to
    /// `x0`/`x1` at the limb's offset.
    @inline(__always)
    private static func accumulateLimb<Stride: MultiplierStride>(
        _ ciphertexts: [Ciphertext], limb: Int, ring: RingContext, stride: Stride.Type,
        into x0: UnsafeMutablePointer<UInt64>, _ x1: UnsafeMutablePointer<UInt64>,
        multiplier: (_ term: Int, _ body: (UnsafePointer<UInt64>) -> Void) -> Void
    ) {
        let n = ring.degree
        let q = ring.moduli[limb]
        let chunk = 1 << min(20, max(0, 128 - 2 * q.bitWidth))
        let start = limb * n
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: 4 * n)
        defer { storage.deallocate() }
        storage.initialize(repeating: 0, count: 4 * n)
        let sums = WideAccumulators(storage, width: n)
        // AVX-512 IFMA, one multiplier word per coefficient, q < 2^50: the 52-bit halves of each
        // product accumulate apart (8 lanes), folded below q every 2^(50 − L) terms so the final
        // Barrett's input stays below 2^(L+51); the same residues as the 128-bit loop.
        if Stride.step == 1, VectorISA.current == .ifma, q.value < VectorISA.ifmaModulusBound, n % 8 == 0 {
            let chunk52 = 1 << min(12, max(0, 50 - q.bitWidth))
            for (t, ct) in ciphertexts.enumerated() {
                ct.polys[0].data.withUnsafeBufferPointer { c0 in
                ct.polys[1].data.withUnsafeBufferPointer { c1 in
                multiplier(t) { w in
                    guard let c0 = c0.baseAddress, let c1 = c1.baseAddress else { return }
                    hepexc_mac52_pair(sums.low0, sums.high0, sums.low1, sums.high1, c0 + start, c1 + start, w, n)
                }}}
                if (t + 1) % chunk52 == 0 && t + 1 < ciphertexts.count {
                    hepexc_reduce52(sums.low0, sums.low0, sums.high0, n, q.value)
                    hepexc_reduce52(sums.low1, sums.low1, sums.high1, n, q.value)
                    sums.high0.update(repeating: 0, count: n)
                    sums.high1.update(repeating: 0, count: n)
                }
            }
            hepexc_reduce52(x0 + start, sums.low0, sums.high0, n, q.value)
            hepexc_reduce52(x1 + start, sums.low1, sums.high1, n, q.value)
            return
        }
        for (t, ct) in ciphertexts.enumerated() {
            ct.polys[0].data.withUnsafeBufferPointer { c0 in
            ct.polys[1].data.withUnsafeBufferPointer { c1 in
            multiplier(t) { w in
                guard let c0 = c0.baseAddress, let c1 = c1.baseAddress else { return }
                for k in 0..<n {
                    let word = w[k &* Stride.step]
                    sums.add(k, c0[start + k].multipliedFullWidth(by: word), c1[start + k].multipliedFullWidth(by: word))
                }
            }}}
            if (t + 1) % chunk == 0 { sums.fold(q) }
        }
        sums.write(q, to: x0 + start, x1 + start)
    }
}
