import HepexcModArith
public import HepexcRing

/// The two keys of sparse-secret encapsulation (Bossuat, Troncoso-Pastoriza, Hubaux,
/// "Bootstrapping for approximate homomorphic encryption with negligible failure-probability
/// by using sparse-secret encapsulation", ACNS 2022).
///
/// Bootstrapping switches the level-0 ciphertext from the dense secret s to an ephemeral
/// secret s' of Hamming weight h, raises the modulus under s' — so the overflow
/// I = ⌊(c_0 + c_1·s')/q_0⌉ is a sum of h + 1 centred residues, |I| ≤ (h + 1)/2 — and
/// switches back to s at the top of the chain.
///
/// - `denseToSparse` is `(b, a) = (−a·s' + e + p_0·s, a)` over **q_0·p_0 only** (the first
///   ciphertext prime and the first special prime, as Lattigo does): s' never meets a larger
///   modulus, which is what its security rests on (docs/ckks.md).
/// - `sparseToDense` is an ordinary hybrid key-switching key from s' to s over Q·P, an RLWE
///   sample under the dense s (covered by the HE standard like every other evaluation key).
///
/// Both are evaluation keys: neither secret leaves the client.
public struct EncapsulationKeys: Sendable {
    /// h, the Hamming weight of s'.
    public let hammingWeight: Int
    /// `b` of the dense-to-sparse key over `[q_0, p_0]`, evaluation form.
    let denseToSparseB: Poly<Eval>
    /// `a` of the dense-to-sparse key over `[q_0, p_0]`, evaluation form.
    let denseToSparseA: Poly<Eval>
    /// The key from s' back to s over Q·P.
    public let sparseToDense: KeySwitchKey
    public let parameterHash: UInt64

    /// Memory taken by both keys.
    public var byteCount: Int { (denseToSparseB.data.count + denseToSparseA.data.count) * 8 + sparseToDense.byteCount }

    /// The ring `[q_0, p_0]` the dense-to-sparse key lives in.
    static func ring(_ context: CKKSContext) -> RingContext {
        let count = context.parameters.ciphertextModuli.count
        return RingContext(tables: [context.tables[0], context.tables[count]], parallelism: .serial)
    }

    /// Switches a level-0 ciphertext under s to s' (modulo q_0) and returns its two
    /// polynomials' centred coefficients, ready for ModRaise.
    ///
    /// The key-switching gadget has one digit (c_1 itself, centred, lifted exactly to p_0):
    /// `(d_0, d_1) = ⌊c_1·(b, a)/p_0⌉` satisfies `d_0 + d_1·s' = c_1·s + c_1·e/p_0 + rounding`,
    /// an error of a few units (|c_1| < q_0/2 < p_0).
    func switchToSparse(_ ct: Ciphertext, context: CKKSContext) throws -> (c0: [Int64], c1: [Int64]) {
        guard ct.level == 0, ct.size == 2 else {
            throw HEError.bootstrapNotPossible("internal: encapsulation expects a size-2 level-0 ciphertext")
        }
        let n = context.parameters.degree
        let ring = denseToSparseB.context
        let q0 = ring.moduli[0], p0 = ring.moduli[1]
        let c0 = ct.polys[0].inverseNTT().data
        let c1 = ct.polys[1].inverseNTT().data
        let digit = Poly<Coeff>(context: ring, signedCoefficients: c1.map { q0.centered($0) }).forwardNTT()
        let d0 = (digit * denseToSparseB).inverseNTT().data
        let d1 = (digit * denseToSparseA).inverseNTT().data
        let inverseP = q0.inverseMod(q0.reduce(p0.value))
        // ⌊x/p_0⌉ mod q_0 = (x_q − [x]_p)·p_0⁻¹ with [x]_p the centred residue modulo p_0.
        func divideByP(_ x: [UInt64], _ k: Int) -> UInt64 {
            q0.mulMod(q0.subMod(x[k], q0.reduce(signed: p0.centered(x[n + k]))), inverseP)
        }
        var out0 = [Int64](repeating: 0, count: n), out1 = out0
        for k in 0..<n {
            out0[k] = q0.centered(q0.addMod(c0[k], divideByP(d0, k)))
            out1[k] = q0.centered(divideByP(d1, k))
        }
        return (out0, out1)
    }

    /// Switches a ciphertext under s' (any level) back to s.
    func switchToDense(_ ct: Ciphertext, context: CKKSContext) -> Ciphertext {
        let (d0, d1) = context.keySwitch(ct.polys[1], key: sparseToDense)
        var c0 = ct.polys[0]
        c0 += d0
        return Ciphertext(polys: [c0, d1], scale: ct.scale)
    }
}
