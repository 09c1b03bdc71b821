public import HepexcModArith
internal import CHepexcVector

// Whole-polynomial kernels: NTT over all limbs and element-wise arithmetic.
// Every operand must live in the same ring context (checked with `precondition`).

extension Poly where Format == Coeff {
    /// Builds the RNS form of signed integer coefficients (then use `forwardNTT()`).
    /// - Parameter signedCoefficients: N integers of any sign.
    public init(context: RingContext, signedCoefficients: [Int64]) {
        precondition(signedCoefficients.count == context.degree)
        let n = context.degree
        let data = [UInt64](unsafeUninitializedCapacity: context.limbCount * n) { buffer, initialized in
            signedCoefficients.withUnsafeBufferPointer { input in
                for (limb, q) in context.moduli.enumerated() {
                    let out = buffer.baseAddress! + limb * n
                    for k in 0..<n { out[k] = Self.reduceBranchless(input[k], q) }
                }
            }
            initialized = context.limbCount * n
        }
        self.init(context: context, data: data)
    }

    /// The largest |coefficient| ``init(context:integralCoefficients:)`` takes.
    public static var integralCoefficientBound: Double { 0x1p51 }

    /// Builds the RNS form of integer-valued doubles |c| < 2^51 (an encoder's
    /// rounded coefficients) without converting them to integers first: per
    /// limb, `c − q·round(c/q)` in exact double arithmetic for q < 2^50 and
    /// `c (+ q if negative)` for q ≥ 2^51 — branch-free loops the compiler
    /// vectorises, where a 128-bit Barrett reduction per residue cost as much
    /// as the NTTs that follow. Other limbs take the integer path.
    public init(context: RingContext, integralCoefficients coefficients: [Double]) {
        precondition(coefficients.count == context.degree)
        let n = context.degree
        let data = [UInt64](unsafeUninitializedCapacity: context.limbCount * n) { buffer, initialized in
            coefficients.withUnsafeBufferPointer { input in
                guard let base = buffer.baseAddress, let c = input.baseAddress else { return }
                for (limb, q) in context.moduli.enumerated() {
                    let out = base + limb * n
                    if q.value < 1 << 50 {
                        Self.residuesOfSmallModulus(c, count: n, q.value, into: out)
                    } else if q.value >= 1 << 51 {
                        Self.residuesOfLargeModulus(c, count: n, q.value, into: out)
                    } else {
                        for k in 0..<n { out[k] = Self.reduceBranchless(Self.integer(c[k]), q) }
                    }
                }
            }
            initialized = context.limbCount * n
        }
        self.init(context: context, data: data)
    }

    /// 1.5 · 2^52: adding it to a double of magnitude < 2^51 leaves the
    /// integer nearest to it in the low bits of the significand.
    private static var roundingMagic: Double { 0x1.8p52 }

    /// The integer nearest to `x` (|x| < 2^51), without a trapping conversion.
    @inline(__always)
    private static func integer(_ x: Double) -> Int64 {
        Int64(bitPattern: (x + roundingMagic).bitPattern) &- Int64(bitPattern: roundingMagic.bitPattern)
    }

    /// |c| < 2^51, q < 2^50: r = c − q·round(c/q) is exact and lies in
    /// (−2q, 2q) (the quotient may be off by one), then two corrections.
    private static func residuesOfSmallModulus(_ c: UnsafePointer<Double>, count n: Int, _ q: UInt64,
                                                into out: UnsafeMutablePointer<UInt64>) {
        let qd = Double(q), inverse = 1 / Double(q)
        let qi = Int64(bitPattern: q)
        for k in 0..<n {
            let quotient = (c[k] * inverse + roundingMagic) - roundingMagic
            var r = integer(c[k] - quotient * qd)
            r &+= qi & (r >> 63)
            r &-= qi & ~((r &- qi) >> 63)
            out[k] = UInt64(bitPattern: r)
        }
    }

    /// |c| < 2^51 ≤ q: the residue is c, or q + c for negative c.
    private static func residuesOfLargeModulus(_ c: UnsafePointer<Double>, count n: Int, _ q: UInt64,
                                                into out: UnsafeMutablePointer<UInt64>) {
        for k in 0..<n {
            let x = integer(c[k])
            out[k] = UInt64(bitPattern: x) &+ (q & UInt64(bitPattern: x >> 63))
        }
    }

    /// `x mod q` in `[0, q)` without a data-dependent branch (the signs of
    /// encoded coefficients are random, so `reduce(signed:)`'s branch
    /// mispredicts about half the time).
    @inline(__always)
    static func reduceBranchless(_ x: Int64, _ q: Modulus) -> UInt64 {
        let sign = UInt64(bitPattern: x >> 63)  // all ones when negative
        let r = q.reduce((UInt64(bitPattern: x) ^ sign) &- sign)  // |x| mod q
        let negated = q.value &- r  // in (0, q]; q stands for 0
        let fixed = negated & (negated == q.value ? 0 : ~0)
        return (r & ~sign) | (fixed & sign)
    }

    /// Transforms every limb to evaluation form (parallel over limbs).
    /// - Returns: the same element in `Eval` form, residues in `[0, q)`.
    public consuming func forwardNTT() -> Poly<Eval> {
        var data = self.data
        let context = self.context
        data.withUnsafeMutableBufferPointer { buffer in
            let base = UncheckedSendableBox(buffer.baseAddress!)
            context.parallelism.forEach(context.limbCount) { limb in
                context.tables[limb].forward(base.value + limb * context.degree)
            }
        }
        return Poly<Eval>(context: context, data: data)
    }
}

extension Poly where Format == Eval {
    /// Transforms every limb back to coefficient form (parallel over limbs).
    /// - Returns: the same element in `Coeff` form, residues in `[0, q)`.
    public consuming func inverseNTT() -> Poly<Coeff> {
        var data = self.data
        let context = self.context
        data.withUnsafeMutableBufferPointer { buffer in
            let base = UncheckedSendableBox(buffer.baseAddress!)
            context.parallelism.forEach(context.limbCount) { limb in
                context.tables[limb].inverse(base.value + limb * context.degree)
            }
        }
        return Poly<Coeff>(context: context, data: data)
    }

    /// `self ← self ⊙ other` (element-wise, Barrett).
    public static func *= (lhs: inout Poly, rhs: Poly) {
        let ifma = VectorISA.current == .ifma
        lhs.combine(rhs) { x, y, q, n in
            if ifma && q.value < VectorISA.ifmaModulusBound && n % 8 == 0 {
                hepexc_multiply52(x, x, y, n, q.value)  // IFMA Barrett, the same reduced values
                return
            }
            for k in 0..<n { x[k] = q.mulMod(x[k], y[k]) }
        }
    }

    /// Element-wise product.
    public static func * (lhs: Poly, rhs: Poly) -> Poly {
        var result = lhs
        result *= rhs
        return result
    }

    /// `self ← self + a ⊙ b`.
    public mutating func multiplyAdd(_ a: Poly, _ b: Poly) {
        precondition(a.context.moduli == context.moduli && b.context.moduli == context.moduli)
        let n = degree
        let moduli = context.moduli
        data.withUnsafeMutableBufferPointer { out in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    let o = UncheckedSendableBox(out.baseAddress!)
                    let x = UncheckedSendableBox(pa.baseAddress!), y = UncheckedSendableBox(pb.baseAddress!)
                    context.parallelism.forEach(moduli.count) { limb in
                        let q = moduli[limb]
                        let off = limb * n
                        for k in off..<(off + n) {
                            o.value[k] = q.addMod(o.value[k], q.mulMod(x.value[k], y.value[k]))
                        }
                    }
                }
            }
        }
    }
}

extension Poly {
    /// Applies `body(lhsLimb, rhsLimb, modulus, N)` limb by limb (parallel over limbs).
    @inlinable
    mutating func combine(_ other: Poly,
                          _ body: (UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>, Modulus, Int) -> Void) {
        precondition(other.context.moduli == context.moduli, "operands live in different rings")
        let n = degree
        let moduli = context.moduli
        let parallelism = context.parallelism
        data.withUnsafeMutableBufferPointer { out in
            other.data.withUnsafeBufferPointer { input in
                let o = UncheckedSendableBox(out.baseAddress!), i = UncheckedSendableBox(input.baseAddress!)
                parallelism.forEach(moduli.count) { limb in
                    body(o.value + limb * n, i.value + limb * n, moduli[limb], n)
                }
            }
        }
    }

    /// `self ← self + other`.
    public static func += (lhs: inout Poly, rhs: Poly) {
        lhs.combine(rhs) { x, y, q, n in
            for k in 0..<n { x[k] = q.addMod(x[k], y[k]) }
        }
    }

    /// `self ← self − other`.
    public static func -= (lhs: inout Poly, rhs: Poly) {
        lhs.combine(rhs) { x, y, q, n in
            for k in 0..<n { x[k] = q.subMod(x[k], y[k]) }
        }
    }

    /// Sum.
    public static func + (lhs: Poly, rhs: Poly) -> Poly { var r = lhs; r += rhs; return r }
    /// Difference.
    public static func - (lhs: Poly, rhs: Poly) -> Poly { var r = lhs; r -= rhs; return r }

    /// Negation.
    public static prefix func - (operand: Poly) -> Poly {
        var result = operand
        result.negate()
        return result
    }

    /// `self ← −self`.
    public mutating func negate() {
        let n = degree
        let moduli = context.moduli
        data.withUnsafeMutableBufferPointer { out in
            for (limb, q) in moduli.enumerated() {
                let base = out.baseAddress! + limb * n
                for k in 0..<n { base[k] = q.negateMod(base[k]) }
            }
        }
    }

    /// `self ← self · c_limb` with one constant per limb (Shoup).
    /// - Parameter constants: one reduced constant per limb.
    public mutating func multiply(byConstants constants: [UInt64]) {
        precondition(constants.count == limbCount)
        let n = degree
        let moduli = context.moduli
        data.withUnsafeMutableBufferPointer { out in
            for (limb, q) in moduli.enumerated() {
                let w = ShoupMultiplicand(constants[limb], modulus: q)
                let base = out.baseAddress! + limb * n
                for k in 0..<n { base[k] = w.multiply(base[k], modulus: q.value) }
            }
        }
    }
}
