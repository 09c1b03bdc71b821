import HepexcModArith
import HepexcRing
import CHepexcVector

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

    /// Prepared ModUp inputs: `y` limbs for every digit, flat (limb i at offset i·N). With
    /// one prime per digit `y` is just the coefficient form, so nothing is copied.
    private func prepareDigits(_ c: Poly<Eval>) -> [UInt64] {
        let level = c.limbCount - 1
        let coefficients = c.inverseNTT()
        if modUp[level].allSatisfy({ $0.digit.count == 1 }) { return coefficients.data }
        let n = parameters.degree
        var y = coefficients.data
        coefficients.data.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { out in
                for digit in modUp[level] {
                    let offset = digit.digit.lowerBound * n
                    digit.converter.prepare(input: input.baseAddress! + offset, into: out.baseAddress! + offset, degree: n)
                }
            }
        }
        return y
    }

    /// Phase 1 for extended limb `e`: every digit's NTT-form value modulo that limb into `out`
    /// (`digits × N` words).
    private func modUpLimb(_ e: Int, level: Int, input: UnsafePointer<UInt64>, prepared: UnsafePointer<UInt64>,
                           out: UnsafeMutablePointer<UInt64>) {
        let n = parameters.degree
        let key = keyIndex(e, level: level)
        for (j, digit) in modUp[level].enumerated() {
            let dst = out + j * n
            if e <= level && digit.digit.contains(e) {
                dst.update(from: input + e * n, count: n)
                continue
            }
            let source = prepared + digit.digit.lowerBound * n
            if digit.digit.count == 1 && tables[digit.digit.lowerBound].modulus.value < tables[key].modulus.value {
                // One smaller prime: its residues are already reduced here; fuse the copy into the NTT.
                tables[key].forward(from: source, into: dst, reduceOutput: false)
                continue
            }
            let target = e <= level ? (e < digit.digit.lowerBound ? e : e - digit.digit.count)
                                    : (level + 1 - digit.digit.count) + (e - level - 1)
            digit.converter.accumulate(y: source, target: target, into: dst, degree: n, overflow: nil)
            tables[key].forward(dst, reduceOutput: false)
        }
    }

    /// Phase 2 for extended limb `e`: `Σ_j T_j[π(k)]·key_j[k]` for both key halves.
    ///
    /// Blocked over coefficients: per block, four 64-bit accumulator rows (low/high for each
    /// key half) stay in L1 while every digit streams its limb and its (sequential) key block.
    private func innerProductLimb(_ e: Int, level: Int, digits: UnsafePointer<UInt64>, digitCount: Int,
                                  key: KeySwitchKey, keyData: UnsafePointer<UInt64>,
                                  permutation: UnsafePointer<Int32>?,
                                  out0: UnsafeMutablePointer<UInt64>, out1: UnsafeMutablePointer<UInt64>) {
        let n = parameters.degree
        let ki = keyIndex(e, level: level)
        let q = tables[ki].modulus
        // Terms are < 4q·q; a 128-bit accumulator holds 2^128 / (4q²) of them.
        let chunk = 1 << min(20, max(0, 128 - 2 - 2 * q.bitWidth))
        let block = key.blockSize
        let acc = UnsafeMutablePointer<UInt64>.allocate(capacity: 4 * block)
        defer { acc.deallocate() }
        let low0 = acc, high0 = acc + block, low1 = acc + 2 * block, high1 = acc + 3 * block
        // AVX-512 IFMA: digits in [0, 4q) and keys fit 52 bits; the halves accumulate apart (≤ 4096 terms).
        if VectorISA.current == .ifma && q.value < VectorISA.ifmaModulusBound && digitCount <= 4096 && block % 8 == 0 {
            var start = 0
            while start < n {
                acc.initialize(repeating: 0, count: 4 * block)
                for j in 0..<digitCount {
                    let t = digits + j * n
                    let kp = keyData + key.index(limb: ki, coefficient: start, digit: j)
                    if let permutation {
                        hepexc_mac52(low0, high0, low1, high1, t, permutation + start, kp, block)
                    } else {
                        hepexc_mac52(low0, high0, low1, high1, t + start, nil, kp, block)
                    }
                }
                if digitCount <= 1 << max(0, 49 - q.bitWidth) {
                    // Σ < digits·4q·q ≤ 2^(L+51): the vector Barrett's range.
                    hepexc_reduce52(out0 + start, low0, high0, block, q.value)
                    hepexc_reduce52(out1 + start, low1, high1, block, q.value)
                } else {
                    for k in 0..<block {
                        out0[start + k] = Self.reduce52(high: high0[k], low: low0[k], q)
                        out1[start + k] = Self.reduce52(high: high1[k], low: low1[k], q)
                    }
                }
                start += block
            }
            return
        }
        var start = 0
        while start < n {
            acc.initialize(repeating: 0, count: 4 * block)
            for j in 0..<digitCount {
                let t = digits + j * n
                let kp = keyData + key.index(limb: ki, coefficient: start, digit: j)
                if let permutation {
                    let p = permutation + start
                    for k in 0..<block {
                        let x = t[Int(p[k])]
                        let p0 = x.multipliedFullWidth(by: kp[2 &* k]), p1 = x.multipliedFullWidth(by: kp[2 &* k &+ 1])
                        let (s0, c0) = low0[k].addingReportingOverflow(p0.low)
                        low0[k] = s0; high0[k] = high0[k] &+ p0.high &+ (c0 ? 1 : 0)
                        let (s1, c1) = low1[k].addingReportingOverflow(p1.low)
                        low1[k] = s1; high1[k] = high1[k] &+ p1.high &+ (c1 ? 1 : 0)
                    }
                } else {
                    let tk = t + start
                    for k in 0..<block {
                        let x = tk[k]
                        let p0 = x.multipliedFullWidth(by: kp[2 &* k]), p1 = x.multipliedFullWidth(by: kp[2 &* k &+ 1])
                        let (s0, c0) = low0[k].addingReportingOverflow(p0.low)
                        low0[k] = s0; high0[k] = high0[k] &+ p0.high &+ (c0 ? 1 : 0)
                        let (s1, c1) = low1[k].addingReportingOverflow(p1.low)
                        low1[k] = s1; high1[k] = high1[k] &+ p1.high &+ (c1 ? 1 : 0)
                    }
                }
                if (j + 1) % chunk == 0 && j + 1 < digitCount {
                    for k in 0..<block {
                        low0[k] = q.reduce(high: high0[k], low: low0[k]); high0[k] = 0
                        low1[k] = q.reduce(high: high1[k], low: low1[k]); high1[k] = 0
                    }
                }
            }
            for k in 0..<block {
                out0[start + k] = q.reduce(high: high0[k], low: low0[k])
                out1[start + k] = q.reduce(high: high1[k], low: low1[k])
            }
            start += block
        }
    }

    /// `(high·2^52 + low) mod q`, exactly (the IFMA accumulator's value).
    @inline(__always)
    private static func reduce52(high: UInt64, low: UInt64, _ q: Modulus) -> UInt64 {
        let (sum, carry) = (high << 52).addingReportingOverflow(low)
        return q.reduce(high: (high >> 12) &+ (carry ? 1 : 0), low: sum)
    }

    /// Key-switches `c` (evaluation form, level ℓ): returns `(d_0, d_1)` at level ℓ with
    /// `d_0 + d_1·s ≈ c·s'` for the key from `s'` to `s`.
    func keySwitch(_ c: Poly<Eval>, key: KeySwitchKey) -> (Poly<Eval>, Poly<Eval>) {
        let level = c.limbCount - 1
        let n = parameters.degree
        let extCount = level + 1 + parameters.specialModuli.count
        let digitCount = modUp[level].count
        let prepared = prepareDigits(c)
        var d0 = uninitializedWords(extCount * n), d1 = uninitializedWords(extCount * n)
        let workers = min(parallelism.threads, extCount)
        var scratch = uninitializedWords(workers * digitCount * n)
        withPointers(prepared, c.data, key.data) { prep, input, kdata in
            withMutablePointers(&scratch, &d0, &d1) { s, out0, out1 in
                let box = UncheckedSendableBox((prep, input, kdata, s, out0, out1))
                parallelism.forEach(workers) { w in
                    let (prep, input, kdata, s, out0, out1) = box.value
                    let mine = s + w * digitCount * n
                    for e in stride(from: w, to: extCount, by: workers) {
                        modUpLimb(e, level: level, input: input, prepared: prep, out: mine)
                        innerProductLimb(e, level: level, digits: mine, digitCount: digitCount, key: key,
                                         keyData: kdata, permutation: nil, out0: out0 + e * n, out1: out1 + e * n)
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
        var data = uninitializedWords(extCount * digitCount * n)
        var unused: [UInt64] = [0], unused2: [UInt64] = [0]
        withPointers(prepared, c.data, unused2) { prep, input, _ in
            withMutablePointers(&data, &unused, &unused2) { out, _, _ in
                let box = UncheckedSendableBox((prep, input, out))
                parallelism.forEach(extCount) { e in
                    let (prep, input, out) = box.value
                    modUpLimb(e, level: level, input: input, prepared: prep, out: out + e * digitCount * n)
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
        var d0 = uninitializedWords(extCount * n), d1 = uninitializedWords(extCount * n)
        let permutation = automorphism?.sourceIndex ?? [0]
        var unused: [UInt64] = [0]
        withPointers(decomposition.data, key.data, unused) { input, kdata, _ in
            permutation.withUnsafeBufferPointer { perm in
                withMutablePointers(&d0, &d1, &unused) { out0, out1, _ in
                    let box = UncheckedSendableBox((input, kdata, perm.baseAddress!, out0, out1))
                    parallelism.forEach(extCount) { e in
                        let (input, kdata, p, out0, out1) = box.value
                        innerProductLimb(e, level: level, digits: input + e * digitCount * n, digitCount: digitCount,
                                         key: key, keyData: kdata, permutation: automorphism == nil ? nil : p,
                                         out0: out0 + e * n, out1: out1 + e * n)
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
        var y = uninitializedWords(dropCount * n)
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
            var scratch = uninitializedWords(workers * n)
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

/// An array whose every element the caller overwrites before reading (no zero fill).
func uninitializedWords(_ count: Int) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Base addresses of three arrays for the duration of `body`.
func withPointers<R>(_ a: [UInt64], _ b: [UInt64], _ c: [UInt64],
                     _ body: (UnsafePointer<UInt64>, UnsafePointer<UInt64>, UnsafePointer<UInt64>) -> R) -> R {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeBufferPointer { pc in body(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!) }
        }
    }
}

/// Mutable base addresses of three distinct arrays for the duration of `body`.
func withMutablePointers<R>(_ a: inout [UInt64], _ b: inout [UInt64], _ c: inout [UInt64],
                            _ body: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>,
                                     UnsafeMutablePointer<UInt64>) -> R) -> R {
    a.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeMutableBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in body(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!) }
        }
    }
}
