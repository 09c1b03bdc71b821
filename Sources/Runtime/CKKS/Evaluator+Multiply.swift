import HepexcModArith
public import HepexcRing

extension Evaluator {
    /// The tensor product `(a_0·b_0, a_0·b_1 + a_1·b_0, a_1·b_1)`: a size-3 ciphertext at scale
    /// `lhs.scale·rhs.scale`. Relinearize (and usually rescale) afterwards.
    public func multiply(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        guard lhs.level == rhs.level else { throw HEError.levelMismatch(lhs: lhs.level, rhs: rhs.level) }
        guard lhs.polys[0].context.moduli == rhs.polys[0].context.moduli else { throw HEError.parameterMismatch }
        try checkSize(lhs, 2); try checkSize(rhs, 2)
        let (c0, c1, c2) = Self.tensor(lhs.polys[0], lhs.polys[1], rhs.polys[0], rhs.polys[1])
        return Ciphertext(polys: [c0, c1, c2], scale: lhs.scale * rhs.scale)
    }

    /// Switches a size-3 ciphertext back to size 2 with the relinearization key.
    /// - Throws: `missingRelinearizationKey`, `invalidCiphertextSize`.
    public func relinearize(_ ct: Ciphertext) throws -> Ciphertext {
        try checkSize(ct, 3)
        guard let key = relinearizationKey else { throw HEError.missingRelinearizationKey }
        try Self.checkKeyLevel(key.key, ct, "relinearization")
        var c0 = ct.polys[0], c1 = ct.polys[1]
        context.keySwitchAdding(ct.polys[2], key: key.key, to: &c0, &c1)
        return Ciphertext(polys: [c0, c1], scale: ct.scale)
    }

    /// `relinearize(multiply(lhs, rhs))`, accumulating into the fresh tensor in place.
    public func multiplyRelinearize(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        guard let key = relinearizationKey else { throw HEError.missingRelinearizationKey }
        guard lhs.level == rhs.level else { throw HEError.levelMismatch(lhs: lhs.level, rhs: rhs.level) }
        guard lhs.polys[0].context.moduli == rhs.polys[0].context.moduli else { throw HEError.parameterMismatch }
        try checkSize(lhs, 2); try checkSize(rhs, 2)
        try Self.checkKeyLevel(key.key, lhs, "relinearization")
        var (c0, c1, c2) = Self.tensor(lhs.polys[0], lhs.polys[1], rhs.polys[0], rhs.polys[1],
                                       pool: context.scratchPool)
        context.keySwitchAdding(c2, key: key.key, to: &c0, &c1)
        context.scratchPool.give(c2.data)
        c2.data = []
        return Ciphertext(polys: [c0, c1], scale: lhs.scale * rhs.scale)
    }

    /// `ct ⊙ pt` (any scales; the result's scale is the product).
    public func multiply(_ ct: Ciphertext, _ pt: Plaintext) throws -> Ciphertext {
        try check(ct, pt, matchScale: false)
        var result = ct
        for i in 0..<result.size { result.polys[i] *= pt.poly }
        result.scale = ct.scale * pt.scale
        return result
    }

    /// `ct · c` with `c` encoded as `round(c·scale)`; the result's scale is `ct.scale·scale`.
    /// - Parameters: `scale` default 2^logScale (use 1 for an exact integer multiple).
    public func multiply(_ ct: Ciphertext, constant: Double, scale: Double? = nil) throws -> Ciphertext {
        let scale = scale ?? context.parameters.defaultScale
        let value = (constant * scale).rounded()
        guard value.isFinite, abs(value) < 0x1p120 else {
            throw HEError.encodingOverflow(log2Magnitude: log2(abs(value)), log2Modulus: 120)
        }
        var result = ct
        let ring = ct.polys[0].context
        let constants = ring.moduli.map { CKKSEncoder.residue(value, $0) }
        for i in 0..<result.size { result.polys[i].multiply(byConstants: constants) }
        result.scale = ct.scale * scale
        return result
    }

    /// `Σ_i ct_i ⊙ pt_i` with one reduction per coefficient at the end (128-bit lazy
    /// accumulation): the inner product of a ciphertext vector with a plaintext vector.
    /// - Throws: level/scale mismatches between the terms; `invalidParameters` if empty.
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], _ plaintexts: [Plaintext]) throws -> Ciphertext {
        guard !ciphertexts.isEmpty, ciphertexts.count == plaintexts.count else {
            throw HEError.invalidParameters("multiplyAccumulate needs equally many (≥ 1) ciphertexts and plaintexts")
        }
        for (ct, pt) in zip(ciphertexts, plaintexts) {
            try check(ct, pt, matchScale: false)
            try check(ciphertexts[0], ct)
            try checkSize(ct, 2)
            guard Self.scalesMatch(pt.scale, plaintexts[0].scale) else {
                throw HEError.scaleMismatch(lhsLog2: log2(plaintexts[0].scale), rhsLog2: log2(pt.scale))
            }
        }
        let (c0, c1) = Self.innerProduct(ciphertexts, plaintexts)
        return Ciphertext(polys: [c0, c1], scale: ciphertexts[0].scale * plaintexts[0].scale)
    }

    /// `Σ_i ct_i · round(c_i · scale)` in one pass per limb, the constants
    /// reduced per prime and the products accumulated in 128 bits (the
    /// kernel of ``multiplyAccumulate(_:_:)``) — no per-term ciphertext copy.
    /// `nil` when the fast path does not apply: a constant beyond 2^63 after
    /// scaling, mismatched levels or scales, a three-part ciphertext; the
    /// caller then takes checked multiplies and adds, which name the problem.
    /// - Parameter parallelism: limbs on up to this many threads (callers
    ///   already parallel over outputs pass `.serial`).
    public static func multiplyAccumulate(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double,
                                          parallelism: Parallelism) -> Ciphertext? {
        guard let first = ciphertexts.first, ciphertexts.count == constants.count else { return nil }
        let values = constants.map { ($0 * scale).rounded() }
        guard values.allSatisfy({ $0.isFinite && abs($0) < 9.2e18 }),
              ciphertexts.allSatisfy({ $0.size == 2 && $0.level == first.level && $0.scale == first.scale }) else { return nil }
        let (c0, c1) = constantInnerProduct(ciphertexts, values.map { Int64($0) }, parallelism: parallelism)
        return Ciphertext(polys: [c0, c1], scale: first.scale * scale)
    }
}
