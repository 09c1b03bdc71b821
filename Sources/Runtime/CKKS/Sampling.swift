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
    /// discrete Gaussian with σ = 3.2; coefficient form. Each coefficient takes
    /// 42 bits of the stream (``RandomBits``), popcount of the low 21 minus popcount
    /// of the high 21: 42 bits instead of a whole 64-bit word.
    static func error(_ ring: RingContext, _ rng: inout SecureRandom) -> Poly<Coeff> {
        let n = ring.degree
        var values = [Int64](repeating: 0, count: n)
        let mask: UInt64 = (1 << 21) - 1
        var bits = RandomBits()
        for k in 0..<n {
            let r = bits.take(42, &rng)
            values[k] = Int64((r & mask).nonzeroBitCount) - Int64(((r >> 21) & mask).nonzeroBitCount)
        }
        return signedPoly(ring, values)
    }

    /// A uniformly random element, sampled directly in evaluation form: limb after
    /// limb, each residue by rejection on `bitWidth(q_i)` bits of the stream
    /// (``RandomBits``: a 40-bit prime costs 40 bits per try, not a 64-bit word).
    /// Deterministic in the stream: a seeded ciphertext's `a` is this function of
    /// ChaCha20 keyed by its seed (``CiphertextSeed``), so its format depends on it.
    static func uniform(_ ring: RingContext, _ rng: inout SecureRandom) -> Poly<Eval> {
        let n = ring.degree
        var data = [UInt64](repeating: 0, count: ring.limbCount * n)
        var bits = RandomBits()
        for (limb, q) in ring.moduli.enumerated() {
            let width = q.bitWidth, bound = q.value
            var k = limb * n
            let end = k + n
            while k < end {
                let x = bits.take(width, &rng)
                if x < bound { data[k] = x; k += 1 }
            }
        }
        return Poly<Eval>(context: ring, data: data)
    }

    static func signedPoly(_ ring: RingContext, _ values: [Int64]) -> Poly<Coeff> {
        Poly<Coeff>(context: ring, signedCoefficients: values)
    }
}

/// Bits of a ``SecureRandom`` stream handed out a few at a time: least significant
/// first within each 64-bit word, words in stream order, a request that straddles
/// two words taking the rest of the first as its low bits.
struct RandomBits {
    var reservoir: UInt64 = 0
    var available = 0

    /// The next `count` bits (1 ≤ count ≤ 64) as the low bits of the result.
    @inline(__always)
    mutating func take(_ count: Int, _ rng: inout SecureRandom) -> UInt64 {
        let mask = count >= 64 ? UInt64.max : (UInt64(1) &<< UInt64(count)) &- 1
        if available >= count {
            let value = reservoir & mask
            reservoir = count >= 64 ? 0 : reservoir &>> UInt64(count)
            available -= count
            return value
        }
        let word = rng.next()
        let low = available  // < count ≤ 64
        let value = (reservoir | (low == 0 ? word : word &<< UInt64(low))) & mask
        let used = count - low  // 1…64 bits of `word`
        reservoir = used >= 64 ? 0 : word &>> UInt64(used)
        available = 64 - used
        return value
    }
}
