extension CRTComposer {
    /// Centered lift of every coefficient, divided by `scale`.
    /// - Parameters: `residues` `moduli.count` limbs of N values in `[0, q_i)` (coefficient form);
    ///   `output` N doubles.
    func compose(_ residues: UnsafePointer<UInt64>, degree n: Int, scale: Double,
                 into output: UnsafeMutablePointer<Double>) {
        let m = moduli.count
        if m == 1 {
            let q = moduli[0]
            for k in 0..<n { output[k] = Double(q.centered(residues[k])) / scale }
            return
        }
        let words = wordCount
        let acc = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        defer { acc.deallocate() }
        hats.withUnsafeBufferPointer { hatBuffer in
            product.withUnsafeBufferPointer { qBuffer in
                halfProduct.withUnsafeBufferPointer { halfBuffer in
                    let hat = hatBuffer.baseAddress!, q = qBuffer.baseAddress!, half = halfBuffer.baseAddress!
                    for k in 0..<n {
                        acc.initialize(repeating: 0, count: words)
                        var estimate = 0.0
                        for i in 0..<m {
                            let y = hatInverse[i].multiply(residues[i * n + k], modulus: moduli[i].value)
                            estimate += Double(y) * reciprocal[i]
                            // acc += y · hat_i
                            var carry: UInt64 = 0
                            let h = hat + i * words
                            for w in 0..<words {
                                let p = h[w].multipliedFullWidth(by: y)
                                let (s1, c1) = acc[w].addingReportingOverflow(p.low)
                                let (s2, c2) = s1.addingReportingOverflow(carry)
                                acc[w] = s2
                                carry = p.high &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                            }
                        }
                        // acc < m·Q: subtract ⌊estimate⌋·Q, then fix up by at most one Q either way.
                        let v = UInt64(max(0, estimate))  // truncation = floor for estimate ≥ 0
                        if v > 0 { subtractMultiple(acc, q, v, words) }
                        if isNegative(acc, words) { add(acc, q, words) }
                        if !less(acc, q, words) { subtractMultiple(acc, q, 1, words) }
                        // Center.
                        if less(half, acc, words) {
                            // acc − Q (negative): −(Q − acc)
                            let diff = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
                            diff.update(from: q, count: words)
                            subtract(diff, acc, words)
                            output[k] = -toDouble(diff, words) / scale
                            diff.deallocate()
                        } else {
                            output[k] = toDouble(acc, words) / scale
                        }
                    }
                }
            }
        }
    }
}

@inline(__always)
private func subtractMultiple(_ a: UnsafeMutablePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ v: UInt64, _ words: Int) {
    var borrow: UInt64 = 0
    var carry: UInt64 = 0
    for w in 0..<words {
        let p = b[w].multipliedFullWidth(by: v)
        let (lo, c) = p.low.addingReportingOverflow(carry)
        carry = p.high &+ (c ? 1 : 0)
        let (d1, b1) = a[w].subtractingReportingOverflow(lo)
        let (d2, b2) = d1.subtractingReportingOverflow(borrow)
        a[w] = d2
        borrow = (b1 ? 1 : 0) + (b2 ? 1 : 0)
    }
}

@inline(__always)
private func subtract(_ a: UnsafeMutablePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ words: Int) {
    subtractMultiple(a, b, 1, words)
}

@inline(__always)
private func add(_ a: UnsafeMutablePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ words: Int) {
    var carry: UInt64 = 0
    for w in 0..<words {
        let (s1, c1) = a[w].addingReportingOverflow(b[w])
        let (s2, c2) = s1.addingReportingOverflow(carry)
        a[w] = s2
        carry = (c1 ? 1 : 0) + (c2 ? 1 : 0)
    }
}

/// The top word's high bit marks a wrapped (negative) value: Q has at least 64 spare bits.
@inline(__always)
private func isNegative(_ a: UnsafePointer<UInt64>, _ words: Int) -> Bool { a[words - 1] >> 63 == 1 }

@inline(__always)
private func less(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ words: Int) -> Bool {
    var w = words - 1
    while w >= 0 {
        if a[w] != b[w] { return a[w] < b[w] }
        w -= 1
    }
    return false
}

@inline(__always)
private func toDouble(_ a: UnsafePointer<UInt64>, _ words: Int) -> Double {
    var result = 0.0
    var w = words - 1
    while w >= 0 {
        result = result * 18_446_744_073_709_551_616.0 + Double(a[w])
        w -= 1
    }
    return result
}
