public import HepexcCKKS
internal import HepexcRing

extension CKKSBackend {
    /// Σ ctᵢ · cᵢ in one pass per limb: each constant rounded to
    /// round(cᵢ·scale) and reduced per prime, the products accumulated in
    /// 128 bits and reduced every 2^(126 − 2·bits) terms (as the evaluator's
    /// plaintext inner product does) — no per-term ciphertext copy. Terms
    /// the fast path cannot take (a constant beyond 2^63 after scaling,
    /// mismatched levels or scales, a three-part ciphertext) go through the
    /// evaluator's checked multiply and add, which report the problem.
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) throws -> Ciphertext {
        guard let first = ciphertexts.first, ciphertexts.count == constants.count else {
            throw ExecutorError.input("internal: a constant multiply-accumulate needs equally many (≥ 1) ciphertexts and constants")
        }
        if let sum = Self.constantInnerProduct(ciphertexts, constants: constants, scale: scale) { return sum }
        var sum = try multiply(first, constant: constants[0], scale: scale)
        for index in ciphertexts.indices.dropFirst() {
            sum = try add(sum, multiply(ciphertexts[index], constant: constants[index], scale: scale))
        }
        return sum
    }

    /// The fast path of ``multiplyAccumulate(_:constants:scale:)``, also
    /// used by the server's keyed backend; `nil` when it does not apply.
    public static func constantInnerProduct(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) -> Ciphertext? {
        guard let first = ciphertexts.first, ciphertexts.count == constants.count else { return nil }
        let values = constants.map { ($0 * scale).rounded() }
        let level = first.level
        guard values.allSatisfy({ $0.isFinite && abs($0) < 9.2e18 }),
              ciphertexts.allSatisfy({ $0.size == 2 && $0.level == level && $0.scale == first.scale }) else { return nil }
        let ring = first.polys[0].context
        let n = ring.degree
        var out0 = Poly<Eval>(zeroIn: ring), out1 = out0
        let accumulators = UnsafeMutablePointer<UInt64>.allocate(capacity: 4 * n)
        defer { accumulators.deallocate() }
        let low0 = accumulators, high0 = accumulators + n, low1 = accumulators + 2 * n, high1 = accumulators + 3 * n
        for (limb, q) in ring.moduli.enumerated() {
            let chunk = 1 << min(20, max(0, 128 - 2 * q.bitWidth))
            let start = limb * n
            accumulators.initialize(repeating: 0, count: 4 * n)
            for (t, ct) in ciphertexts.enumerated() {
                let c = q.reduce(signed: Int64(values[t]))
                ct.polys[0].data.withUnsafeBufferPointer { c0 in
                ct.polys[1].data.withUnsafeBufferPointer { c1 in
                    guard let c0 = c0.baseAddress, let c1 = c1.baseAddress else { return }
                    for k in 0..<n {
                        let m0 = c0[start + k].multipliedFullWidth(by: c)
                        let m1 = c1[start + k].multipliedFullWidth(by: c)
                        let (s0, f0) = low0[k].addingReportingOverflow(m0.low)
                        low0[k] = s0; high0[k] = high0[k] &+ m0.high &+ (f0 ? 1 : 0)
                        let (s1, f1) = low1[k].addingReportingOverflow(m1.low)
                        low1[k] = s1; high1[k] = high1[k] &+ m1.high &+ (f1 ? 1 : 0)
                    }
                }}
                if (t + 1) % chunk == 0 {
                    for k in 0..<n {
                        low0[k] = q.reduce(high: high0[k], low: low0[k]); high0[k] = 0
                        low1[k] = q.reduce(high: high1[k], low: low1[k]); high1[k] = 0
                    }
                }
            }
            out0.data.withUnsafeMutableBufferPointer { x0 in
            out1.data.withUnsafeMutableBufferPointer { x1 in
                for k in 0..<n {
                    x0[start + k] = q.reduce(high: high0[k], low: low0[k])
                    x1[start + k] = q.reduce(high: high1[k], low: low1[k])
                }
            }}
        }
        return Ciphertext(polys: [out0, out1], scale: first.scale * scale)
    }
}
