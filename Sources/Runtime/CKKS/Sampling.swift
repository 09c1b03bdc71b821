import HepexcModArith
import HepexcRing

/// Samplers for the distributions CKKS needs.
enum Sampling {
    /// A ternary polynomial (coefficients uniform in {−1, 0, 1}), coefficient form.
    static func ternary(_ ring: RingContext, _ rng: inout SecureRandom) -> Poly<Coeff> {
        let n = ring.degree
        var values = [Int64](repeating: 0, count: n)
        var bits: UInt64 = 0, available = 0
        var k = 0
        while k < n {
            if available < 2 { bits = rng.next(); available = 64 }
            let t = bits & 3
            bits >>= 2; available -= 2
            if t == 3 { continue }  // rejection keeps the three outcomes equally likely
            values[k] = Int64(t) - 1
            k += 1
        }
        return signedPoly(ring, values)
    }

    /// An error polynomial from the centered binomial distribution with η = 21
    /// (variance 10.5, σ ≈ 3.24, |e| ≤ 21), standing in for the HE standard's
    /// discrete Gaussian with σ = 3.2; coefficient form.
    static func error(_ ring: RingContext, _ rng: inout SecureRandom) -> Poly<Coeff> {
        let n = ring.degree
        var values = [Int64](repeating: 0, count: n)
        let mask: UInt64 = (1 << 21) - 1
        for k in 0..<n {
            let r = rng.next()
            values[k] = Int64((r & mask).nonzeroBitCount) - Int64(((r >> 21) & mask).nonzeroBitCount)
        }
        return signedPoly(ring, values)
    }

    /// A uniformly random element (sampled directly in evaluation form).
    static func uniform(_ ring: RingContext, _ rng: inout SecureRandom) -> Poly<Eval> {
        var poly = Poly<Eval>(zeroIn: ring)
        let n = ring.degree
        for (limb, q) in ring.moduli.enumerated() {
            let mask = q.bitWidth == 64 ? UInt64.max : (UInt64(1) << q.bitWidth) - 1
            var k = 0
            while k < n {
                let x = rng.next() & mask
                if x < q.value { poly.data[limb * n + k] = x; k += 1 }
            }
        }
        return poly
    }

    static func signedPoly(_ ring: RingContext, _ values: [Int64]) -> Poly<Coeff> {
        Poly<Coeff>(context: ring, signedCoefficients: values)
    }
}
