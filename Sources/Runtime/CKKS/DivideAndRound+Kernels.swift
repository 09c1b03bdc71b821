import HepexcModArith
import HepexcRing

extension DivideAndRound {
    /// `round(x / D)` in place: `data` holds `keepCount` keep limbs then `drop.count` drop limbs
    /// (evaluation form, reduced); the first `keepCount` limbs receive the result.
    func apply(_ data: inout [UInt64], keepCount: Int, degree n: Int, keepTables: [NTTTables],
               dropTables: [NTTTables], parallelism: Parallelism) {
        data.withUnsafeMutableBufferPointer { buffer in
            let x = buffer.baseAddress!
            apply(x, keepCount: keepCount, degree: n, keepTables: keepTables, dropTables: dropTables,
                  parallelism: parallelism, output: x, accumulate: false, pool: nil)
        }
    }

    /// `round(x / D)` from raw limbs: `x` holds `keepCount` keep limbs then `drop.count` drop
    /// limbs (evaluation form, reduced; the drop limbs are overwritten). The `keepCount` result
    /// limbs are written to `output` (which may be `x`), or added to it mod q_i when `accumulate`.
    /// - Parameter pool: where the temporaries come from (`nil`: fresh arrays).
    func apply(_ x: UnsafeMutablePointer<UInt64>, keepCount: Int, degree n: Int, keepTables: [NTTTables],
               dropTables: [NTTTables], parallelism: Parallelism, output: UnsafeMutablePointer<UInt64>,
               accumulate: Bool, pool: ScratchPool?) {
        let dropCount = drop.count
        let workers = min(parallelism.threads, keepCount)
        // One drop prime: x mod D + ⌊D/2⌋ converts exactly, so truncation becomes rounding.
        // Several (ModDown by P): the fast conversion of x mod D is off by u·D with
        // u ∈ [0, K) — a bias of ≈ (K − 1)/2 on every coefficient of c_0 and c_1 that
        // decrypts to (K − 1)/2·(1 + s)·Σ X^k, up to ≈ N·K·‖s‖ in the slots near ζ ≈ 1.
        // So convert exactly instead: the centered x mod D, whose subtraction rounds.
        let exact = dropCount > 1
        var y = pool?.take(dropCount * n) ?? uninitializedWords(dropCount * n)
        var overflow = exact ? (pool?.take(n) ?? uninitializedWords(n)) : []
        var scratch = pool?.take(workers * n) ?? uninitializedWords(workers * n)
        // The drop limbs to coefficient form (plus ⌊D/2⌋ for one drop prime).
        let dropBase = x + keepCount * n
        let boxed = UncheckedSendableBox(dropBase)
        parallelism.forEach(dropCount) { m in
            let limb = boxed.value + m * n
            dropTables[m].inverse(limb)
            if exact { return }
            let d = drop[m], half = halfModDrop[m]
            for k in 0..<n { limb[k] = d.addMod(limb[k], half) }
        }
        y.withUnsafeMutableBufferPointer { yb in
            converter.prepare(input: dropBase, into: yb.baseAddress!, degree: n)
            if exact {
                overflow.withUnsafeMutableBufferPointer { vb in
                    converter.overflowCounts(y: yb.baseAddress!, into: vb.baseAddress!, degree: n)
                }
            }
        }
        withPointers(y, overflow.isEmpty ? y : overflow, y) { yp, vp, _ in
            scratch.withUnsafeMutableBufferPointer { sb in
                let box = UncheckedSendableBox((x, yp, vp, sb.baseAddress!, output))
                parallelism.forEach(workers) { w in
                    let (x, yp, vp, s, output) = box.value
                    let temp = s + w * n
                    for i in stride(from: w, to: keepCount, by: workers) {
                        let modulus = keep[i]
                        let q = modulus.value
                        converter.accumulate(y: yp, target: i, into: temp, degree: n, overflow: exact ? vp : nil)
                        if !exact {
                            let shift = q &- halfModKeep[i]
                            for k in 0..<n { temp[k] = temp[k] &+ shift }  // [0, 2q)
                        }
                        keepTables[i].forward(temp, reduceOutput: false)  // [0, 4q)
                        let inv = inverse[i]
                        let limb = x + i * n, out = output + i * n
                        let fourQ = q &* 4
                        if accumulate {
                            for k in 0..<n {
                                out[k] = modulus.addMod(out[k], inv.multiply(limb[k] &+ fourQ &- temp[k], modulus: q))
                            }
                        } else {
                            for k in 0..<n { out[k] = inv.multiply(limb[k] &+ fourQ &- temp[k], modulus: q) }
                        }
                    }
                }
            }
        }
        pool?.give(y)
        if exact { pool?.give(overflow) }
        pool?.give(scratch)
    }
}
