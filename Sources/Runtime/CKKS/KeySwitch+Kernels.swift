public import HepexcModArith
public import HepexcRing

// Hybrid key switching (Han–Ki 2020; Kim et al. 2022 §3): ModUp each digit to Q_ℓ ∪ P,
// inner product with the key (128-bit lazy accumulation), ModDown by P.
// With one digit per limb and one special prime this is exactly SEAL's layout.

/// The ModUp of one polynomial at one level, in evaluation form: for every limb e of
/// `Q_ℓ ∪ P` and every digit j, the digit's value modulo that limb. Reused by hoisted rotations.
struct Decomposition: @unchecked Sendable {
    let level: Int
    let digitCount: Int
    /// `[extLimb][digit][N]`, values in `[0, 4q)`.
    var data: [UInt64]
}

extension CKKSContext {
    /// Key-ring index of extended position `e` at level ℓ (q_0 … q_ℓ, then p_0 … p_{K−1}).
    @inline(__always)
    func keyIndex(_ e: Int, level: Int) -> Int {
        e <= level ? e : parameters.ciphertextModuli.count + (e - level - 1)
    }

    /// Prepared ModUp inputs: the coefficient form of `c` and each digit's `y` limbs.
    private func prepareDigits(_ c: Poly<Eval>) -> [[UInt64]] {
        let level = c.limbCount - 1
        let coefficients = c.inverseNTT()
        let n = parameters.degree
        return modUp[level].map { digit in
            var y = [UInt64](repeating: 0, count: digit.digit.count * n)
            coefficients.data.withUnsafeBufferPointer { input in
                y.withUnsafeMutableBufferPointer { out in
                    digit.converter.prepare(input: input.baseAddress! + digit.digit.lowerBound * n,
                                            into: out.baseAddress!, degree: n)
                }
            }
            return y
        }
    }

    /// Phase 1 for extended limb `e`: every digit's NTT-form value modulo that limb into `out`
    /// (`digits × N` words).
    private func modUpLimb(_ e: Int, level: Int, input: UnsafePointer<UInt64>, prepared: [[UInt64]],
                           out: UnsafeMutablePointer<UInt64>) {
        let n = parameters.degree
        let key = keyIndex(e, level: level)
        for (j, digit) in modUp[level].enumerated() {
            let dst = out + j * n
            if e <= level && digit.digit.contains(e) {
                dst.update(from: input + e * n, count: n)
                continue
            }
            let target = e <= level ? (e < digit.digit.lowerBound ? e : e - digit.digit.count)
                                    : (level + 1 - digit.digit.count) + (e - level - 1)
            prepared[j].withUnsafeBufferPointer { y in
                digit.converter.accumulate(y: y.baseAddress!, target: target, into: dst, degree: n, overflow: nil)
            }
            tables[key].forward(dst, reduceOutput: false)
        }
    }

    /// Phase 2 for extended limb `e`: `Σ_j T_j[π(k)]·key_j[k]` for both key halves.
    private func innerProductLimb(_ e: Int, level: Int, digits: UnsafePointer<UInt64>, digitCount: Int,
                                  key: KeySwitchKey, keyB: UnsafePointer<UInt64>, keyA: UnsafePointer<UInt64>,
                                  permutation: UnsafePointer<Int32>?,
                                  out0: UnsafeMutablePointer<UInt64>, out1: UnsafeMutablePointer<UInt64>) {
        let n = parameters.degree
        let ki = keyIndex(e, level: level)
        let q = tables[ki].modulus
        // Terms are < 4q·q; a 128-bit accumulator holds 2^128 / (4q²) of them.
        let chunk = 1 << min(20, max(0, 128 - 2 - 2 * q.bitWidth))
        let keyStride = key.limbCount * n
        for k in 0..<n {
            let src = permutation.map { Int($0[k]) } ?? k
            var low0: UInt64 = 0, high0: UInt64 = 0, low1: UInt64 = 0, high1: UInt64 = 0
            var j = 0
            while j < digitCount {
                let end = min(j + chunk, digitCount)
                while j < end {
                    let t = digits[j * n + src]
                    let offset = j * keyStride + ki * n + k
                    let p0 = t.multipliedFullWidth(by: keyB[offset])
                    let p1 = t.multipliedFullWidth(by: keyA[offset])
                    let (s0, c0) = low0.addingReportingOverflow(p0.low)
                    low0 = s0; high0 = high0 &+ p0.high &+ (c0 ? 1 : 0)
                    let (s1, c1) = low1.addingReportingOverflow(p1.low)
                    low1 = s1; high1 = high1 &+ p1.high &+ (c1 ? 1 : 0)
                    j += 1
                }
                if j < digitCount {
                    low0 = q.reduce(high: high0, low: low0); high0 = 0
                    low1 = q.reduce(high: high1, low: low1); high1 = 0
                }
            }
            out0[k] = q.reduce(high: high0, low: low0)
            out1[k] = q.reduce(high: high1, low: low1)
        }
    }

    /// Key-switches `c` (evaluation form, level ℓ): returns `(d_0, d_1)` at level ℓ with
    /// `d_0 + d_1·s ≈ c·s'` for the key from `s'` to `s`.
    func keySwitch(_ c: Poly<Eval>, key: KeySwitchKey) -> (Poly<Eval>, Poly<Eval>) {
        let level = c.limbCount - 1
        let n = parameters.degree
        let extCount = level + 1 + parameters.specialModuli.count
        let digitCount = modUp[level].count
        let prepared = prepareDigits(c)
        var d0 = [UInt64](repeating: 0, count: extCount * n), d1 = d0
        let workers = min(parallelism.threads, extCount)
        var scratch = [UInt64](repeating: 0, count: workers * digitCount * n)
        c.data.withUnsafeBufferPointer { input in
            key.b.withUnsafeBufferPointer { kb in
                key.a.withUnsafeBufferPointer { ka in
                    scratch.withUnsafeMutableBufferPointer { sb in
                        d0.withUnsafeMutableBufferPointer { o0 in
                            d1.withUnsafeMutableBufferPointer { o1 in
                                let box = UncheckedSendableBox((input.baseAddress!, kb.baseAddress!, ka.baseAddress!,
                                                                sb.baseAddress!, o0.baseAddress!, o1.baseAddress!))
                                parallelism.forEach(workers) { w in
                                    let (inp, b, a, s, out0, out1) = box.value
                                    let mine = s + w * digitCount * n
                                    for e in stride(from: w, to: extCount, by: workers) {
                                        modUpLimb(e, level: level, input: inp, prepared: prepared, out: mine)
                                        innerProductLimb(e, level: level, digits: mine, digitCount: digitCount, key: key,
                                                         keyB: b, keyA: a, permutation: nil,
                                                         out0: out0 + e * n, out1: out1 + e * n)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (modDownToLevel(&d0, level: level), modDownToLevel(&d1, level: level))
    }

    /// Hoisting: the ModUp of `c`, shared by many rotations.
    func decompose(_ c: Poly<Eval>) -> Decomposition {
        let level = c.limbCount - 1
        let n = parameters.degree
        let extCount = level + 1 + parameters.specialModuli.count
        let digitCount = modUp[level].count
        let prepared = prepareDigits(c)
        var data = [UInt64](repeating: 0, count: extCount * digitCount * n)
        c.data.withUnsafeBufferPointer { input in
            data.withUnsafeMutableBufferPointer { out in
                let box = UncheckedSendableBox((input.baseAddress!, out.baseAddress!))
                parallelism.forEach(extCount) { e in
                    modUpLimb(e, level: level, input: box.value.0, prepared: prepared,
                              out: box.value.1 + e * digitCount * n)
                }
            }
        }
        return Decomposition(level: level, digitCount: digitCount, data: data)
    }

    /// Key-switches `σ(c)` from a hoisted decomposition of `c` (σ given as an evaluation-form permutation).
    func keySwitch(_ decomposition: Decomposition, key: KeySwitchKey, automorphism: Automorphism?) -> (Poly<Eval>, Poly<Eval>) {
        let level = decomposition.level
        let n = parameters.degree
        let extCount = level + 1 + parameters.specialModuli.count
        let digitCount = decomposition.digitCount
        var d0 = [UInt64](repeating: 0, count: extCount * n), d1 = d0
        let permutation = automorphism?.sourceIndex ?? []
        decomposition.data.withUnsafeBufferPointer { input in
            key.b.withUnsafeBufferPointer { kb in
                key.a.withUnsafeBufferPointer { ka in
                    permutation.withUnsafeBufferPointer { perm in
                        d0.withUnsafeMutableBufferPointer { o0 in
                            d1.withUnsafeMutableBufferPointer { o1 in
                                let box = UncheckedSendableBox((input.baseAddress!, kb.baseAddress!, ka.baseAddress!,
                                                                perm.baseAddress, o0.baseAddress!, o1.baseAddress!))
                                parallelism.forEach(extCount) { e in
                                    let (inp, b, a, p, out0, out1) = box.value
                                    innerProductLimb(e, level: level, digits: inp + e * digitCount * n,
                                                     digitCount: digitCount, key: key, keyB: b, keyA: a,
                                                     permutation: automorphism == nil ? nil : p,
                                                     out0: out0 + e * n, out1: out1 + e * n)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (modDownToLevel(&d0, level: level), modDownToLevel(&d1, level: level))
    }

    /// ModDown: divides an extended polynomial (q_0 … q_ℓ, P limbs) by P with rounding.
    private func modDownToLevel(_ data: inout [UInt64], level: Int) -> Poly<Eval> {
        let n = parameters.degree
        let keep = level + 1
        let dropTables = Array(tables[parameters.ciphertextModuli.count...])
        modDown.apply(&data, keepCount: keep, degree: n, keepTables: Array(tables[0..<keep]),
                      dropTables: dropTables, parallelism: parallelism)
        data.removeLast(data.count - keep * n)
        return Poly<Eval>(context: levels[level], data: data)
    }
}

extension DivideAndRound {
    /// `round(x / D)` in place: `data` holds `keepCount` keep limbs then `drop.count` drop limbs
    /// (evaluation form, reduced); the first `keepCount` limbs receive the result.
    func apply(_ data: inout [UInt64], keepCount: Int, degree n: Int, keepTables: [NTTTables],
               dropTables: [NTTTables], parallelism: Parallelism) {
        let dropCount = drop.count
        var y = [UInt64](repeating: 0, count: dropCount * n)
        data.withUnsafeMutableBufferPointer { buffer in
            let x = buffer.baseAddress!
            // The drop limbs to coefficient form, plus ⌊D/2⌋ so that truncation becomes rounding.
            let dropBase = x + keepCount * n
            let boxed = UncheckedSendableBox(dropBase)
            parallelism.forEach(dropCount) { m in
                let limb = boxed.value + m * n
                dropTables[m].inverse(limb)
                let d = drop[m], half = halfModDrop[m]
                for k in 0..<n { limb[k] = d.addMod(limb[k], half) }
            }
            y.withUnsafeMutableBufferPointer { yb in
                converter.prepare(input: dropBase, into: yb.baseAddress!, degree: n)
            }
            let workers = min(parallelism.threads, keepCount)
            var scratch = [UInt64](repeating: 0, count: workers * n)
            y.withUnsafeBufferPointer { yb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    let box = UncheckedSendableBox((x, yb.baseAddress!, sb.baseAddress!))
                    parallelism.forEach(workers) { w in
                        let (x, yp, s) = box.value
                        let temp = s + w * n
                        for i in stride(from: w, to: keepCount, by: workers) {
                            let q = keep[i].value
                            converter.accumulate(y: yp, target: i, into: temp, degree: n, overflow: nil)
                            let shift = q &- halfModKeep[i]
                            for k in 0..<n { temp[k] = temp[k] &+ shift }  // [0, 2q)
                            keepTables[i].forward(temp, reduceOutput: false)  // [0, 4q)
                            let inv = inverse[i]
                            let limb = x + i * n
                            let fourQ = q &* 4
                            for k in 0..<n { limb[k] = inv.multiply(limb[k] &+ fourQ &- temp[k], modulus: q) }
                        }
                    }
                }
            }
        }
    }
}
