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

    /// Prepared ModUp inputs of the level-ℓ limbs at `input` (evaluation form): `y` limbs for
    /// every digit, flat (limb i at offset i·N), and each digit's overflow count per coefficient
    /// (`digits × N` words, digit j at offset j·N), in pooled arrays the caller gives back. With
    /// one prime per digit `y` is just the coefficient form.
    ///
    /// The ModUp is exact: each digit is extended as its *centered* representative
    /// (|c_j| ≤ Q_j/2), not as `c_j + u·Q_j` with `0 ≤ c_j < Q_j`, `0 ≤ u < α`. The key's
    /// noise term `Σ_j c_j·e_j / P` then has mean zero; with the uncentered digits it carries
    /// `≈ (Q_j/2P)·e_j·Σ X^k`, which the slots near ζ ≈ 1 amplify by up to ≈ 2N/π.
    private func prepareDigits(_ input: UnsafePointer<UInt64>, level: Int) -> (y: [UInt64], overflow: [UInt64]) {
        let n = parameters.degree
        let count = (level + 1) * n
        var coefficients = scratchPool.take(count)
        coefficients.withUnsafeMutableBufferPointer { buffer in
            let box = UncheckedSendableBox((input, buffer.baseAddress!))
            parallelism.forEach(level + 1) { i in
                let (source, destination) = box.value
                (destination + i * n).update(from: source + i * n, count: n)
                tables[i].inverse(destination + i * n)
            }
        }
        var y: [UInt64]
        if modUp[level].allSatisfy({ $0.digit.count == 1 }) {
            y = coefficients
        } else {
            y = scratchPool.take(count)
            coefficients.withUnsafeBufferPointer { input in
                y.withUnsafeMutableBufferPointer { out in
                    for digit in modUp[level] {
                        let offset = digit.digit.lowerBound * n
                        digit.converter.prepare(input: input.baseAddress! + offset, into: out.baseAddress! + offset, degree: n)
                    }
                }
            }
            scratchPool.give(coefficients)
        }
        let digits = modUp[level]
        var overflow = scratchPool.take(digits.count * n)
        y.withUnsafeBufferPointer { yb in
            overflow.withUnsafeMutableBufferPointer { vb in
                let box = UncheckedSendableBox((yb.baseAddress!, vb.baseAddress!))
                parallelism.forEach(digits.count) { j in
                    // One prime: `modUpLimb` centers it directly (no counts needed).
                    guard digits[j].digit.count > 1 else { return }
                    let (yp, vp) = box.value
                    digits[j].converter.overflowCounts(y: yp + digits[j].digit.lowerBound * n, into: vp + j * n, degree: n)
                }
            }
        }
        return (y, overflow)
    }

    /// Phase 1 for extended limb `e`: every digit's NTT-form value modulo that limb into `out`
    /// (`digits × N` words): the centered digit (`overflow` from `prepareDigits`).
    private func modUpLimb(_ e: Int, level: Int, input: UnsafePointer<UInt64>, prepared: UnsafePointer<UInt64>,
                           overflow: UnsafePointer<UInt64>, out: UnsafeMutablePointer<UInt64>) {
        let n = parameters.degree
        let key = keyIndex(e, level: level)
        for (j, digit) in modUp[level].enumerated() {
            let dst = out + j * n
            if e <= level && digit.digit.contains(e) {
                dst.update(from: input + e * n, count: n)
                continue
            }
            let source = prepared + digit.digit.lowerBound * n
            if digit.digit.count == 1 {
                // One prime q: c − q·[c > q/2] mod b, in [0, 2b) (the NTT takes [0, 4b)).
                let q = tables[digit.digit.lowerBound].modulus.value, half = q >> 1
                let b = tables[key].modulus
                if q < b.value {
                    let delta = b.value &- q
                    for k in 0..<n { let c = source[k]; dst[k] = c &+ (c > half ? delta : 0) }
                } else {
                    let delta = b.negateMod(b.reduce(q))
                    for k in 0..<n { let c = source[k]; dst[k] = b.reduce(c) &+ (c > half ? delta : 0) }
                }
                tables[key].forward(dst, reduceOutput: false)
                continue
            }
            let target = e <= level ? (e < digit.digit.lowerBound ? e : e - digit.digit.count)
                                    : (level + 1 - digit.digit.count) + (e - level - 1)
            digit.converter.accumulate(y: source, target: target, into: dst, degree: n, overflow: overflow + j * n)
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
        let sums = WideAccumulators(acc, width: block)
        // AVX-512 IFMA: digits in [0, 4q) and keys fit 52 bits; the halves accumulate apart (≤ 4096 terms).
        let ifma = VectorISA.current == .ifma && q.value < VectorISA.ifmaModulusBound && digitCount <= 4096 && block % 8 == 0
        var start = 0
        while start < n {
            acc.initialize(repeating: 0, count: 4 * block)
            for j in 0..<digitCount {
                let t = digits + j * n
                let kp = keyData + key.index(limb: key.storageLimb(e, ciphertextLevel: level), coefficient: start, digit: j)
                if ifma {
                    if let permutation {
                        hepexc_mac52(sums.low0, sums.high0, sums.low1, sums.high1, t, permutation + start, kp, block)
                    } else {
                        hepexc_mac52(sums.low0, sums.high0, sums.low1, sums.high1, t + start, nil, kp, block)
                    }
                    continue
                }
                if let permutation {
                    let p = permutation + start
                    for k in 0..<block {
                        let x = t[Int(p[k])]
                        sums.add(k, x.multipliedFullWidth(by: kp[2 &* k]), x.multipliedFullWidth(by: kp[2 &* k &+ 1]))
                    }
                } else {
                    let tk = t + start
                    for k in 0..<block {
                        let x = tk[k]
                        sums.add(k, x.multipliedFullWidth(by: kp[2 &* k]), x.multipliedFullWidth(by: kp[2 &* k &+ 1]))
                    }
                }
                if (j + 1) % chunk == 0 && j + 1 < digitCount { sums.fold(q) }
            }
            if !ifma {
                sums.write(q, to: out0 + start, out1 + start)
            } else if digitCount <= 1 << max(0, 49 - q.bitWidth) {
                // Σ < digits·4q·q ≤ 2^(L+51): the vector Barrett's range.
                hepexc_reduce52(out0 + start, sums.low0, sums.high0, block, q.value)
                hepexc_reduce52(out1 + start, sums.low1, sums.high1, block, q.value)
            } else {
                for k in 0..<block {
                    out0[start + k] = Self.reduce52(high: sums.high0[k], low: sums.low0[k], q)
                    out1[start + k] = Self.reduce52(high: sums.high1[k], low: sums.low1[k], q)
                }
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
        let count = c.data.count
        var d0 = uninitializedWords(count), d1 = uninitializedWords(count)
        withPointers(c.data, c.data, c.data) { input, _, _ in
            withMutablePointers(&d0, &d1) { out0, out1 in
                keySwitch(input, level: level, key: key, into: KeySwitchOutput(out0, accumulate: false),
                          KeySwitchOutput(out1, accumulate: false))
            }
        }
        return (Poly<Eval>(context: levels[level], data: d0), Poly<Eval>(context: levels[level], data: d1))
    }

    /// Adds the key switch of `c` to `(acc0, acc1)` (all at the level of `c`, evaluation form):
    /// `acc0 += d_0`, `acc1 += d_1` without materialising `d_0`, `d_1`.
    func keySwitchAdding(_ c: Poly<Eval>, key: KeySwitchKey, to acc0: inout Poly<Eval>, _ acc1: inout Poly<Eval>) {
        precondition(acc0.data.count == c.data.count && acc1.data.count == c.data.count, "level mismatch")
        withPointers(c.data, c.data, c.data) { input, _, _ in
            withMutablePointers(&acc0.data, &acc1.data) { out0, out1 in
                keySwitch(input, level: c.limbCount - 1, key: key, into: KeySwitchOutput(out0, accumulate: true),
                          KeySwitchOutput(out1, accumulate: true))
            }
        }
    }

    /// The key switch of `σ(c)` for a rotation: adds `d_0` to `acc0` and returns `d_1`
    /// (`σ(c)` itself only lives in a pooled array).
    func keySwitchAdding(permuting c: Poly<Eval>, _ automorphism: Automorphism, key: KeySwitchKey,
                         to acc0: inout Poly<Eval>) -> Poly<Eval> {
        let level = c.limbCount - 1
        let n = parameters.degree
        let count = c.data.count
        precondition(acc0.data.count == count && automorphism.sourceIndex.count == n, "level mismatch")
        var permuted = scratchPool.take(count)
        var d1 = uninitializedWords(count)
        c.data.withUnsafeBufferPointer { source in
            automorphism.sourceIndex.withUnsafeBufferPointer { index in
                permuted.withUnsafeMutableBufferPointer { destination in
                    let box = UncheckedSendableBox((source.baseAddress!, destination.baseAddress!, index.baseAddress!))
                    parallelism.forEach(level + 1) { limb in
                        let (source, destination, index) = box.value
                        let s = source + limb * n, d = destination + limb * n
                        for k in 0..<n { d[k] = s[Int(index[k])] }
                    }
                }
            }
        }
        withPointers(permuted, permuted, permuted) { input, _, _ in
            withMutablePointers(&acc0.data, &d1) { out0, out1 in
                keySwitch(input, level: level, key: key, into: KeySwitchOutput(out0, accumulate: true),
                          KeySwitchOutput(out1, accumulate: false))
            }
        }
        scratchPool.give(permuted)
        return Poly<Eval>(context: levels[level], data: d1)
    }

    /// The hoisted key switch of `σ(c)`: adds `d_0` to `acc0` and returns `d_1`.
    func keySwitchAdding(_ decomposition: Decomposition, key: KeySwitchKey, automorphism: Automorphism?,
                         to acc0: inout Poly<Eval>) -> Poly<Eval> {
        let count = (decomposition.level + 1) * parameters.degree
        precondition(acc0.data.count == count, "level mismatch")
        var d1 = uninitializedWords(count)
        withMutablePointers(&acc0.data, &d1) { out0, out1 in
            keySwitch(decomposition, key: key, automorphism: automorphism,
                      into: KeySwitchOutput(out0, accumulate: true), KeySwitchOutput(out1, accumulate: false))
        }
        return Poly<Eval>(context: levels[decomposition.level], data: d1)
    }

    /// The key switch of the level-ℓ limbs at `input` (evaluation form) into `out0`, `out1`
    /// (ℓ + 1 limbs each). Every temporary comes from `scratchPool`.
    func keySwitch(_ input: UnsafePointer<UInt64>, level: Int, key: KeySwitchKey,
                   into out0: KeySwitchOutput, _ out1: KeySwitchOutput) {
        precondition(key.level >= level, "a key trimmed to level \(key.level) cannot switch at level \(level)")
        let n = parameters.degree
        let extCount = level + 1 + parameters.specialModuli.count
        let digitCount = modUp[level].count
        let (prepared, overflow) = prepareDigits(input, level: level)
        var extended = scratchPool.take(2 * extCount * n)
        let workers = min(parallelism.threads, extCount)
        var scratch = scratchPool.take(workers * digitCount * n)
        withPointers(prepared, overflow, key.data) { prep, over, kdata in
            withMutablePointers(&scratch, &extended) { s, ext in
                let box = UncheckedSendableBox((prep, over, input, kdata, s, ext, ext + extCount * n))
                parallelism.forEach(workers) { w in
                    let (prep, over, input, kdata, s, ext0, ext1) = box.value
                    let mine = s + w * digitCount * n
                    for e in stride(from: w, to: extCount, by: workers) {
                        modUpLimb(e, level: level, input: input, prepared: prep, overflow: over, out: mine)
                        innerProductLimb(e, level: level, digits: mine, digitCount: digitCount, key: key,
                                         keyData: kdata, permutation: nil, out0: ext0 + e * n, out1: ext1 + e * n)
                    }
                }
                modDownToLevel(ext, level: level, into: out0)
                modDownToLevel(ext + extCount * n, level: level, into: out1)
            }
        }
        scratchPool.give(prepared)
        scratchPool.give(overflow)
        scratchPool.give(scratch)
        scratchPool.give(extended)
    }

    /// Hoisting: the ModUp of `c`, shared by many rotations.
    func decompose(_ c: Poly<Eval>) -> Decomposition {
        let level = c.limbCount - 1
        let n = parameters.degree
        let extCount = level + 1 + parameters.specialModuli.count
        let digitCount = modUp[level].count
        var data = uninitializedWords(extCount * digitCount * n)
        let (prepared, overflow) = c.data.withUnsafeBufferPointer { prepareDigits($0.baseAddress!, level: level) }
        withPointers(prepared, c.data, overflow) { prep, input, over in
            data.withUnsafeMutableBufferPointer { outBuffer in
                let out = outBuffer.baseAddress!
                let box = UncheckedSendableBox((prep, input, over, out))
                parallelism.forEach(extCount) { e in
                    let (prep, input, over, out) = box.value
                    modUpLimb(e, level: level, input: input, prepared: prep, overflow: over, out: out + e * digitCount * n)
                }
            }
        }
        scratchPool.give(prepared)
        scratchPool.give(overflow)
        return Decomposition(level: level, digitCount: digitCount, data: data)
    }

    /// Key-switches `σ(c)` from a hoisted decomposition of `c` (σ given as an evaluation-form permutation).
    func keySwitch(_ decomposition: Decomposition, key: KeySwitchKey, automorphism: Automorphism?) -> (Poly<Eval>, Poly<Eval>) {
        let count = (decomposition.level + 1) * parameters.degree
        var d0 = uninitializedWords(count), d1 = uninitializedWords(count)
        withMutablePointers(&d0, &d1) { out0, out1 in
            keySwitch(decomposition, key: key, automorphism: automorphism,
                      into: KeySwitchOutput(out0, accumulate: false), KeySwitchOutput(out1, accumulate: false))
        }
        let ring = levels[decomposition.level]
        return (Poly<Eval>(context: ring, data: d0), Poly<Eval>(context: ring, data: d1))
    }

    /// The hoisted key switch of `σ(c)` into `out0`, `out1` (ℓ + 1 limbs each).
    func keySwitch(_ decomposition: Decomposition, key: KeySwitchKey, automorphism: Automorphism?,
                   into out0: KeySwitchOutput, _ out1: KeySwitchOutput) {
        let level = decomposition.level
        precondition(key.level >= level, "a key trimmed to level \(key.level) cannot switch at level \(level)")
        let n = parameters.degree
        let extCount = level + 1 + parameters.specialModuli.count
        let digitCount = decomposition.digitCount
        var extended = scratchPool.take(2 * extCount * n)
        let permutation = automorphism?.sourceIndex ?? [0]
        withPointers(decomposition.data, key.data, key.data) { input, kdata, _ in
            permutation.withUnsafeBufferPointer { perm in
                extended.withUnsafeMutableBufferPointer { extBuffer in
                    let ext = extBuffer.baseAddress!
                    let box = UncheckedSendableBox((input, kdata, perm.baseAddress!, ext, ext + extCount * n))
                    parallelism.forEach(extCount) { e in
                        let (input, kdata, p, ext0, ext1) = box.value
                        innerProductLimb(e, level: level, digits: input + e * digitCount * n, digitCount: digitCount,
                                         key: key, keyData: kdata, permutation: automorphism == nil ? nil : p,
                                         out0: ext0 + e * n, out1: ext1 + e * n)
                    }
                    modDownToLevel(ext, level: level, into: out0)
                    modDownToLevel(ext + extCount * n, level: level, into: out1)
                }
            }
        }
        scratchPool.give(extended)
    }

    /// ModDown: divides an extended polynomial (q_0 … q_ℓ, P limbs; the P limbs are
    /// overwritten) by P with rounding, into `output`'s ℓ + 1 limbs.
    private func modDownToLevel(_ data: UnsafeMutablePointer<UInt64>, level: Int, into output: KeySwitchOutput) {
        let keep = level + 1
        let dropTables = Array(tables[parameters.ciphertextModuli.count...])
        modDown.apply(data, keepCount: keep, degree: parameters.degree, keepTables: Array(tables[0..<keep]),
                      dropTables: dropTables, parallelism: parallelism, output: output.pointer,
                      accumulate: output.accumulate, pool: scratchPool)
    }
}

/// Where a key switch puts one of its two result polynomials: written to `pointer`, or added
/// to the residues there (mod each limb's prime).
struct KeySwitchOutput {
    let pointer: UnsafeMutablePointer<UInt64>
    let accumulate: Bool

    init(_ pointer: UnsafeMutablePointer<UInt64>, accumulate: Bool) {
        self.pointer = pointer
        self.accumulate = accumulate
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

/// Mutable base addresses of two distinct arrays for the duration of `body`.
func withMutablePointers<R>(_ a: inout [UInt64], _ b: inout [UInt64],
                            _ body: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>) -> R) -> R {
    a.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeMutableBufferPointer { pb in body(pa.baseAddress!, pb.baseAddress!) }
    }
}
