// Deterministic NTT-friendly prime generation and roots of unity.

extension Modulus {
    /// Deterministic Miller–Rabin for 64-bit integers (the first 12 primes as
    /// bases are a proof of primality below 3.3·10^24).
    /// - Parameter n: any 64-bit integer. - Returns: whether `n` is prime.
    public static func isPrime(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        let bases: [UInt64] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
        for p in bases where n % p == 0 { return n == p }
        var d = n - 1
        var s = 0
        while d & 1 == 0 { d >>= 1; s += 1 }
        func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let p = a.multipliedFullWidth(by: b)
            return n.dividingFullWidth((p.high, p.low)).remainder
        }
        func pow(_ a: UInt64, _ e: UInt64) -> UInt64 {
            var r: UInt64 = 1, b = a % n, e = e
            while e > 0 { if e & 1 == 1 { r = mul(r, b) }; b = mul(b, b); e >>= 1 }
            return r
        }
        outer: for a in bases {
            var x = pow(a, d)
            if x == 1 || x == n - 1 { continue }
            for _ in 1..<max(s, 1) {
                x = mul(x, x)
                if x == n - 1 { continue outer }
            }
            return false
        }
        return true
    }

    /// The largest primes `q < 2^bitWidth` with `q ≡ 1 (mod 2·degree)`, in
    /// decreasing order, skipping `excluding` (SEAL's `CoeffModulus::Create` rule).
    /// - Parameters:
    ///   - bitWidth: in `[2·log2(degree)+2, 61]`.
    ///   - count: how many primes.
    ///   - degree: the ring degree N (a power of two).
    ///   - excluding: primes already in use.
    /// - Returns: `count` primes of exactly `bitWidth` bits, or `nil` if there are too few.
    public static func nttPrimes(bitWidth: Int, count: Int, degree: Int,
                                 excluding: Set<UInt64> = []) -> [UInt64]? {
        guard bitWidth >= 2, bitWidth <= maxBitWidth, degree >= 1, count >= 0 else { return nil }
        let step = UInt64(2 * degree)
        let lower = UInt64(1) << (bitWidth - 1)
        let top = UInt64(1) << bitWidth
        guard top > step else { return nil }
        var candidate = top - step + 1  // ≡ 1 mod 2N, below 2^bitWidth
        var primes: [UInt64] = []
        while primes.count < count {
            if candidate < lower || candidate <= step { return nil }
            if !excluding.contains(candidate) && isPrime(candidate) { primes.append(candidate) }
            candidate -= step
        }
        return primes
    }

    /// The smallest primitive `order`-th root of unity modulo this prime.
    /// - Parameter order: a power of two dividing `q − 1`.
    /// - Returns: ψ with ψ^(order/2) = −1, or `nil` if `order ∤ q − 1`.
    public func minimalPrimitiveRoot(order: Int) -> UInt64? {
        let m = UInt64(order)
        guard order >= 2, order & (order - 1) == 0, (value - 1) % m == 0 else { return nil }
        let cofactor = (value - 1) / m
        var generator: UInt64 = 2
        var root: UInt64 = 0
        while generator < value {
            let r = powMod(generator, cofactor)
            if powMod(r, m / 2) == value - 1 { root = r; break }
            generator += 1
        }
        guard root != 0 else { return nil }
        // All primitive roots are root^k for odd k; pick the smallest for determinism.
        var best = root
        let square = mulMod(root, root)
        var current = root
        for _ in 0..<(order / 2) {
            current = mulMod(current, square)
            if current < best { best = current }
        }
        return best
    }
}
