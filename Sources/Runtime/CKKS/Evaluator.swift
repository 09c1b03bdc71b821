import HepexcModArith
import HepexcRing

/// Homomorphic operations on ciphertexts. Holds the context and the evaluation keys,
/// so call sites never pass keys. Every public operation validates its operands first
/// (same parameters, level, scale, size) and throws `HEError` with what to do.
public struct Evaluator: Sendable {
    public let context: CKKSContext
    public let relinearizationKey: RelinearizationKey?
    public let galoisKeys: GaloisKeys?
    /// Permutations for each Galois element we hold a key for.
    let automorphisms: [Int: Automorphism]

    /// - Throws: `parameterMismatch` if a key was made under other parameters.
    public init(context: CKKSContext, relinearizationKey: RelinearizationKey? = nil, galoisKeys: GaloisKeys? = nil) throws {
        let hash = context.parameters.parameterHash
        if let r = relinearizationKey, r.key.parameterHash != hash { throw HEError.parameterMismatch }
        if let g = galoisKeys, g.keys.values.contains(where: { $0.parameterHash != hash }) { throw HEError.parameterMismatch }
        self.context = context
        self.relinearizationKey = relinearizationKey
        self.galoisKeys = galoisKeys
        var automorphisms: [Int: Automorphism] = [:]
        for g in galoisKeys?.galoisElements ?? [] {
            automorphisms[g] = Automorphism(galoisElement: g, degree: context.parameters.degree)
        }
        self.automorphisms = automorphisms
    }

    /// A copy of this evaluator with other keys.
    public func withKeys(relinearizationKey: RelinearizationKey?, galoisKeys: GaloisKeys?) throws -> Evaluator {
        try Evaluator(context: context, relinearizationKey: relinearizationKey, galoisKeys: galoisKeys)
    }

    // MARK: Validation

    /// Scales are equal if they agree to 2^−30 relative (rescaling by primes near 2^40 drifts).
    static func scalesMatch(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= max(abs(a), abs(b)) * 0x1p-30
    }

    func check(_ lhs: Ciphertext, _ rhs: Ciphertext) throws {
        guard lhs.polys[0].context.degree == context.parameters.degree else { throw HEError.parameterMismatch }
        guard lhs.level == rhs.level else { throw HEError.levelMismatch(lhs: lhs.level, rhs: rhs.level) }
        guard lhs.polys[0].context.moduli == rhs.polys[0].context.moduli else { throw HEError.parameterMismatch }
        guard Self.scalesMatch(lhs.scale, rhs.scale) else {
            throw HEError.scaleMismatch(lhsLog2: log2(lhs.scale), rhsLog2: log2(rhs.scale))
        }
    }

    func check(_ ct: Ciphertext, _ pt: Plaintext, matchScale: Bool) throws {
        guard ct.level == pt.level else { throw HEError.levelMismatch(lhs: ct.level, rhs: pt.level) }
        guard ct.polys[0].context.moduli == pt.poly.context.moduli else { throw HEError.parameterMismatch }
        if matchScale, !Self.scalesMatch(ct.scale, pt.scale) {
            throw HEError.scaleMismatch(lhsLog2: log2(ct.scale), rhsLog2: log2(pt.scale))
        }
    }

    func checkSize(_ ct: Ciphertext, _ expected: Int) throws {
        guard ct.size == expected else { throw HEError.invalidCiphertextSize(expected: expected, actual: ct.size) }
    }

    // MARK: Addition

    /// `lhs + rhs` (same level and scale; sizes may differ).
    public func add(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        try check(lhs, rhs)
        var (big, small) = lhs.size >= rhs.size ? (lhs, rhs) : (rhs, lhs)
        for i in 0..<small.size { big.polys[i] += small.polys[i] }
        _ = small
        return big
    }

    /// `lhs − rhs`.
    public func subtract(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        try add(lhs, negate(rhs))
    }

    /// `−ct`.
    public func negate(_ ct: Ciphertext) -> Ciphertext {
        var result = ct
        for i in 0..<result.size { result.polys[i].negate() }
        return result
    }

    /// `ct + pt` (same level and scale).
    public func add(_ ct: Ciphertext, _ pt: Plaintext) throws -> Ciphertext {
        try check(ct, pt, matchScale: true)
        var result = ct
        result.polys[0] += pt.poly
        return result
    }

    /// `ct − pt`.
    public func subtract(_ ct: Ciphertext, _ pt: Plaintext) throws -> Ciphertext {
        try check(ct, pt, matchScale: true)
        var result = ct
        result.polys[0] -= pt.poly
        return result
    }

    /// `ct + c` in every slot (c encoded at the ciphertext's scale).
    public func add(_ ct: Ciphertext, constant: Double) throws -> Ciphertext {
        let value = (constant * ct.scale).rounded()
        guard value.isFinite, abs(value) < 0x1p120 else {
            throw HEError.encodingOverflow(log2Magnitude: log2(abs(value)), log2Modulus: 120)
        }
        var result = ct
        let ring = ct.polys[0].context
        let n = ring.degree
        for (limb, q) in ring.moduli.enumerated() {
            let r = CKKSEncoder.residue(value, q)
            for k in 0..<n { result.polys[0].data[limb * n + k] = q.addMod(result.polys[0].data[limb * n + k], r) }
        }
        return result
    }
}

func log2(_ x: Double) -> Double { x > 0 ? x.log2Approximation : -.infinity }
