// The modular vocabulary. Inputs and outputs are stated per function and
// checked with `assert` (debug builds only); hot loops use `&+ &- &*` only.

extension Modulus {
    /// `x mod q` for any 64-bit `x` (Barrett with ⌊2^64/q⌋; one correction).
    /// - Returns: a value in `[0, q)`.
    @inlinable @inline(__always)
    public func reduce(_ x: UInt64) -> UInt64 {
        let quotient = x.multipliedFullWidth(by: barrettHigh).high
        let r = x &- quotient &* value  // in [0, 2q)
        return r >= value ? r &- value : r
    }

    /// `(high·2^64 + low) mod q` for a 128-bit value (Barrett with ⌊2^128/q⌋).
    ///
    /// The quotient estimate ⌊x·⌊2^128/q⌋ / 2^128⌋ is computed exactly and is at most
    /// one below ⌊x/q⌋, so a single conditional subtraction finishes.
    /// - Returns: a value in `[0, q)`.
    @inlinable @inline(__always)
    public func reduce(high: UInt64, low: UInt64) -> UInt64 {
        // Bits [128, 192) of (high, low) × (barrettHigh, barrettLow), low word only.
        let ll = low.multipliedFullWidth(by: barrettLow).high
        let lh = low.multipliedFullWidth(by: barrettHigh)
        let (mid1, c1) = lh.low.addingReportingOverflow(ll)
        let carry1 = lh.high &+ (c1 ? 1 : 0)
        let hl = high.multipliedFullWidth(by: barrettLow)
        let (_, c2) = mid1.addingReportingOverflow(hl.low)
        let quotient = high &* barrettHigh &+ carry1 &+ hl.high &+ (c2 ? 1 : 0)
        let r = low &- quotient &* value  // in [0, 2q)
        return r >= value ? r &- value : r
    }

    /// `a·b mod q` (full product, Barrett reduction).
    /// - Parameters: `a`, `b` with `a·b < q·2^64` (e.g. both in `[0, q)`).
    /// - Returns: a value in `[0, q)`.
    @inlinable @inline(__always)
    public func mulMod(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return reduce(high: p.high, low: p.low)
    }

    /// `a·b mod q`, lazily reduced.
    /// - Parameters: `a`, `b` in `[0, q)`.
    /// - Returns: a value in `[0, 2q)` congruent to `a·b`.
    @inlinable @inline(__always)
    public func mulModLazy(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        let ll = p.low.multipliedFullWidth(by: barrettLow).high
        let lh = p.low.multipliedFullWidth(by: barrettHigh)
        let (mid1, c1) = lh.low.addingReportingOverflow(ll)
        let carry1 = lh.high &+ (c1 ? 1 : 0)
        let hl = p.high.multipliedFullWidth(by: barrettLow)
        let (_, c2) = mid1.addingReportingOverflow(hl.low)
        let quotient = p.high &* barrettHigh &+ carry1 &+ hl.high &+ (c2 ? 1 : 0)
        return p.low &- quotient &* value
    }

    /// `a + b mod q`.
    /// - Parameters: `a`, `b` in `[0, q)`. - Returns: a value in `[0, q)`.
    @inlinable @inline(__always)
    public func addMod(_ a: UInt64, _ b: UInt64) -> UInt64 {
        assert(a < value && b < value)
        let s = a &+ b
        return s >= value ? s &- value : s
    }

    /// `a − b mod q`.
    /// - Parameters: `a`, `b` in `[0, q)`. - Returns: a value in `[0, q)`.
    @inlinable @inline(__always)
    public func subMod(_ a: UInt64, _ b: UInt64) -> UInt64 {
        assert(a < value && b < value)
        return a >= b ? a &- b : a &+ (value &- b)
    }

    /// `−a mod q`.
    /// - Parameter a: in `[0, q)`. - Returns: a value in `[0, q)`.
    @inlinable @inline(__always)
    public func negateMod(_ a: UInt64) -> UInt64 {
        assert(a < value)
        return a == 0 ? 0 : value &- a
    }

    /// `base^exponent mod q` (square and multiply).
    /// - Parameter base: in `[0, q)`. - Returns: a value in `[0, q)`.
    public func powMod(_ base: UInt64, _ exponent: UInt64) -> UInt64 {
        var result: UInt64 = 1 % value
        var b = reduce(base)
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = mulMod(result, b) }
            b = mulMod(b, b)
            e >>= 1
        }
        return result
    }

    /// The inverse of `a` modulo the prime `q` (Fermat).
    /// - Parameter a: in `[1, q)`; `q` must be prime. - Returns: `a^(q−2) mod q`.
    public func inverseMod(_ a: UInt64) -> UInt64 {
        precondition(reduce(a) != 0, "0 has no inverse modulo \(value)")
        return powMod(a, value - 2)
    }

    /// The centered representative of `a` as a signed integer in `(−q/2, q/2]`.
    @inlinable @inline(__always)
    public func centered(_ a: UInt64) -> Int64 {
        a > value >> 1 ? -Int64(value &- a) : Int64(a)
    }

    /// Reduces a signed integer into `[0, q)`.
    @inlinable @inline(__always)
    public func reduce(signed x: Int64) -> UInt64 {
        x >= 0 ? reduce(UInt64(x)) : negateMod(reduce(x.magnitude))
    }
}

/// `x − bound` if `x ≥ bound`, else `x` (the lazy-reduction correction step).
@inlinable @inline(__always)
public func subtractIfExceeds(_ x: UInt64, _ bound: UInt64) -> UInt64 {
    x >= bound ? x &- bound : x
}
