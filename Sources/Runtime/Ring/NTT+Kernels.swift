public import HepexcModArith
internal import CHepexcVector

// Harvey lazy negacyclic NTT kernels (Harvey 2014, "Faster arithmetic for
// number-theoretic transforms", Alg. 4 and its Gentleman–Sande dual).
// The only place in this target that touches raw pointers for transforms.

extension NTTTables {
    /// In-place forward NTT of one limb.
    /// - Parameters:
    ///   - a: N coefficients, each in `[0, 4q)`.
    ///   - reduceOutput: bring outputs into `[0, q)`; otherwise they stay in `[0, 4q)`.
    ///   - isa: the kernel level (`VectorISA.current` unless a test names one).
    public func forward(_ a: UnsafeMutablePointer<UInt64>, reduceOutput: Bool = true, isa: VectorISA = .current) {
        if isa != .scalar && degree >= 16 {
            vectorForward(a, source: nil, reduceOutput: reduceOutput, isa: isa)
            return
        }
        forwardTable.withUnsafeBufferPointer { table in
            Self.forwardKernel(a, n: degree, q: modulus.value, table: table.baseAddress!)
        }
        if reduceOutput { Self.reduceFromFourQ(a, n: degree, q: modulus.value) }
    }

    /// Out-of-place forward NTT: reads `source` (each value in `[0, 4q)`), writes `a`.
    /// The copy is fused into the first butterfly stage.
    /// - Parameters: `source`, `a` N values each (distinct buffers); `reduceOutput` as in `forward`.
    public func forward(from source: UnsafePointer<UInt64>, into a: UnsafeMutablePointer<UInt64>,
                        reduceOutput: Bool = true, isa: VectorISA = .current) {
        if isa != .scalar && degree >= 16 {
            vectorForward(a, source: source, reduceOutput: reduceOutput, isa: isa)
            return
        }
        let q = modulus.value, twoQ = q &* 2
        let t = degree >> 1
        forwardTable.withUnsafeBufferPointer { table in
            let w = table[2], wq = table[3]  // ψ^brv(1)
            for j in 0..<t {
                var u = source[j]
                u = u >= twoQ ? u &- twoQ : u
                let v = source[j &+ t]
                let estimate = v.multipliedFullWidth(by: wq).high
                let product = v &* w &- estimate &* q
                a[j] = u &+ product
                a[j &+ t] = u &- product &+ twoQ
            }
            if degree > 2 {
                Self.forwardKernel(a, n: degree, q: q, table: table.baseAddress!, firstStage: 2)
            }
        }
        if reduceOutput { Self.reduceFromFourQ(a, n: degree, q: modulus.value) }
    }

    /// In-place inverse NTT of one limb (including the N⁻¹ factor).
    /// - Parameters:
    ///   - a: N values, each in `[0, 2q)`.
    ///   - reduceOutput: bring outputs into `[0, q)`; otherwise they stay in `[0, 2q)`.
    ///   - isa: the kernel level (`VectorISA.current` unless a test names one).
    public func inverse(_ a: UnsafeMutablePointer<UInt64>, reduceOutput: Bool = true, isa: VectorISA = .current) {
        if isa != .scalar && degree >= 16 {
            vectorInverse(a, reduceOutput: reduceOutput, isa: isa)
            return
        }
        inverseTable.withUnsafeBufferPointer { table in
            Self.inverseKernel(a, n: degree, q: modulus.value, table: table.baseAddress!,
                               last: inverseLastRoot, nInverse: inverseDegree)
        }
        if reduceOutput {
            let q = modulus.value
            for k in 0..<degree { a[k] = subtractIfExceedsLocal(a[k], q) }
        }
    }

    /// The `CHepexcVector` forward transform at `isa` (IFMA only for moduli below 2^50).
    private func vectorForward(_ a: UnsafeMutablePointer<UInt64>, source: UnsafePointer<UInt64>?,
                               reduceOutput: Bool, isa: VectorISA) {
        forwardTable.withUnsafeBufferPointer { table in
            forwardTable52.withUnsafeBufferPointer { table52 in
                hepexc_ntt_forward(Int32(min(isa, .supported).rawValue), a, source, degree, modulus.value, table.baseAddress,
                                   table52.isEmpty ? nil : table52.baseAddress, reduceOutput ? 1 : 0)
            }
        }
    }

    /// The `CHepexcVector` inverse transform at `isa`.
    private func vectorInverse(_ a: UnsafeMutablePointer<UInt64>, reduceOutput: Bool, isa: VectorISA) {
        inverseTable.withUnsafeBufferPointer { table in
            inverseTable52.withUnsafeBufferPointer { table52 in
                withUnsafePointer(to: inverseConstants) { constants in
                    hepexc_ntt_inverse(Int32(min(isa, .supported).rawValue), a, degree, modulus.value, table.baseAddress,
                                       table52.isEmpty ? nil : table52.baseAddress, constants, reduceOutput ? 1 : 0)
                }
            }
        }
    }

    @inlinable @inline(__always)
    static func reduceFromFourQ(_ a: UnsafeMutablePointer<UInt64>, n: Int, q: UInt64) {
        let twoQ = q &* 2
        for k in 0..<n {
            let x = subtractIfExceedsLocal(a[k], twoQ)
            a[k] = subtractIfExceedsLocal(x, q)
        }
    }

    /// Cooley–Tukey with ψ merged; butterfly inputs in `[0, 4q)`, outputs in `[0, 4q)`.
    @inlinable
    static func forwardKernel(_ a: UnsafeMutablePointer<UInt64>, n: Int, q: UInt64, table: UnsafePointer<UInt64>,
                              firstStage: Int = 1) {
        let twoQ = q &* 2
        var m = firstStage
        var t = n / (2 * firstStage)
        while t >= 4 {
            var x = a
            for i in 0..<m {
                let w = table[2 &* (m &+ i)], wq = table[2 &* (m &+ i) &+ 1]
                var y = x + t
                let end = x + t
                while x < end {
                    butterfly(x, y, w, wq, q, twoQ)
                    butterfly(x + 1, y + 1, w, wq, q, twoQ)
                    butterfly(x + 2, y + 2, w, wq, q, twoQ)
                    butterfly(x + 3, y + 3, w, wq, q, twoQ)
                    x += 4; y += 4
                }
                x += t
            }
            m &<<= 1; t &>>= 1
        }
        if t == 2 {
            var x = a
            for i in 0..<m {
                let w = table[2 &* (m &+ i)], wq = table[2 &* (m &+ i) &+ 1]
                butterfly(x, x + 2, w, wq, q, twoQ)
                butterfly(x + 1, x + 3, w, wq, q, twoQ)
                x += 4
            }
            m &<<= 1; t &>>= 1
        }
        if t == 1 {
            var x = a
            for i in 0..<m {
                butterfly(x, x + 1, table[2 &* (m &+ i)], table[2 &* (m &+ i) &+ 1], q, twoQ)
                x += 2
            }
        }
    }

    @inlinable @inline(__always)
    static func butterfly(_ x: UnsafeMutablePointer<UInt64>, _ y: UnsafeMutablePointer<UInt64>,
                          _ w: UInt64, _ wq: UInt64, _ q: UInt64, _ twoQ: UInt64) {
        var u = x.pointee
        u = u >= twoQ ? u &- twoQ : u
        let v = y.pointee
        let estimate = v.multipliedFullWidth(by: wq).high
        let product = v &* w &- estimate &* q  // [0, 2q)
        x.pointee = u &+ product
        y.pointee = u &- product &+ twoQ
    }

    /// `(x, y) ← (x + y, (x − y)·w)`, inputs and outputs in `[0, 2q)`.
    @inlinable @inline(__always)
    static func inverseButterfly(_ x: UnsafeMutablePointer<UInt64>, _ y: UnsafeMutablePointer<UInt64>,
                                 _ w: UInt64, _ wq: UInt64, _ q: UInt64, _ twoQ: UInt64) {
        let u = x.pointee, v = y.pointee
        x.pointee = subtractIfExceedsLocal(u &+ v, twoQ)
        let d = u &- v &+ twoQ
        let estimate = d.multipliedFullWidth(by: wq).high
        y.pointee = d &* w &- estimate &* q
    }

    /// Gentleman–Sande; inputs in `[0, 2q)`, outputs in `[0, 2q)`, N⁻¹ merged into the last stage.
    @inlinable
    static func inverseKernel(_ a: UnsafeMutablePointer<UInt64>, n: Int, q: UInt64, table: UnsafePointer<UInt64>,
                              last: ShoupMultiplicand, nInverse: ShoupMultiplicand) {
        let twoQ = q &* 2
        var t = 1
        var h = n >> 1
        while h > 1 {
            var x = a
            for i in 0..<h {
                let w = table[2 &* (h &+ i)], wq = table[2 &* (h &+ i) &+ 1]
                var y = x + t
                let end = x + t
                if t >= 4 {
                    while x < end {
                        inverseButterfly(x, y, w, wq, q, twoQ)
                        inverseButterfly(x + 1, y + 1, w, wq, q, twoQ)
                        inverseButterfly(x + 2, y + 2, w, wq, q, twoQ)
                        inverseButterfly(x + 3, y + 3, w, wq, q, twoQ)
                        x += 4; y += 4
                    }
                } else {
                    while x < end {
                        inverseButterfly(x, y, w, wq, q, twoQ)
                        x += 1; y += 1
                    }
                }
                x += t
            }
            t &<<= 1; h &>>= 1
        }
        // Last stage: h = 1, t = n/2, twiddle and N⁻¹ merged.
        var x = a
        var y = a + t
        let end = a + t
        while x < end {
            let u = x.pointee, v = y.pointee
            x.pointee = nInverse.multiplyLazy(u &+ v, modulus: q)
            y.pointee = last.multiplyLazy(u &- v &+ twoQ, modulus: q)
            x += 1; y += 1
        }
    }
}

@inlinable @inline(__always)
func subtractIfExceedsLocal(_ x: UInt64, _ bound: UInt64) -> UInt64 {
    x >= bound ? x &- bound : x
}
