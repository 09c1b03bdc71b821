public import HepexcModArith
internal import CHepexcVector

/// Precomputed tables for the negacyclic NTT of degree N modulo one prime.
///
/// `forward[k] = ψ^brv(k)` and `inverse[k] = ψ^(−brv(k))` (bit-reversed, Longa–Naehrig
/// 2016, Alg. 1–2), each with its Shoup quotient, so twiddles stream sequentially.
/// The evaluation form stores `a(ψ^(2·brv(k)+1))` at index `k`.
public final class NTTTables: Sendable {
    /// The prime.
    public let modulus: Modulus
    /// The ring degree N.
    public let degree: Int
    /// log2(N).
    public let logDegree: Int
    /// The primitive 2N-th root of unity ψ.
    public let psi: UInt64
    /// Interleaved `(ψ^brv(k), Shoup quotient)` pairs: one cache line holds four twiddles.
    @usableFromInline let forwardTable: [UInt64]
    /// Interleaved `(ψ^(−brv(k)), Shoup quotient)` pairs.
    @usableFromInline let inverseTable: [UInt64]
    /// N⁻¹ mod q.
    @usableFromInline let inverseDegree: ShoupMultiplicand
    /// ψ^(−brv(1))·N⁻¹, the merged last inverse stage twiddle.
    @usableFromInline let inverseLastRoot: ShoupMultiplicand
    /// `(ψ^brv(k), ⌊ψ^brv(k)·2^52/q⌋)` pairs for the IFMA kernels; empty when `q ≥ 2^50`.
    let forwardTable52: [UInt64]
    /// `(ψ^(−brv(k)), ⌊ψ^(−brv(k))·2^52/q⌋)` pairs; empty when `q ≥ 2^50`.
    let inverseTable52: [UInt64]
    /// The merged last inverse stage for the vector kernels (both quotient widths).
    let inverseConstants: hepexc_inverse_constants

    /// - Parameters: `modulus` a prime `q ≡ 1 (mod 2N)`, `q < 2^61`; `degree` N, a power of two ≥ 2.
    public init(modulus: Modulus, degree: Int) {
        precondition(degree >= 2 && degree & (degree - 1) == 0, "degree must be a power of two")
        guard let psi = modulus.minimalPrimitiveRoot(order: 2 * degree) else {
            preconditionFailure("\(modulus.value) is not ≡ 1 mod \(2 * degree)")
        }
        self.modulus = modulus
        self.degree = degree
        self.logDegree = degree.trailingZeroBitCount
        self.psi = psi
        let q = modulus.value
        let psiInverse = modulus.inverseMod(psi)
        var powers = [UInt64](repeating: 1, count: degree)
        var inversePowers = [UInt64](repeating: 1, count: degree)
        for i in 1..<degree {
            powers[i] = modulus.mulMod(powers[i - 1], psi)
            inversePowers[i] = modulus.mulMod(inversePowers[i - 1], psiInverse)
        }
        var fr = [UInt64](repeating: 0, count: degree), fq = fr, ir = fr, iq = fr
        for k in 0..<degree {
            let r = bitReverse(k, bits: logDegree)
            fr[k] = powers[r]
            fq[k] = ShoupMultiplicand(powers[r], modulus: modulus).quotient
            ir[k] = inversePowers[r]
            iq[k] = ShoupMultiplicand(inversePowers[r], modulus: modulus).quotient
        }
        var forwardTable = [UInt64](repeating: 0, count: 2 * degree), inverseTable = forwardTable
        for k in 0..<degree {
            forwardTable[2 * k] = fr[k]; forwardTable[2 * k + 1] = fq[k]
            inverseTable[2 * k] = ir[k]; inverseTable[2 * k + 1] = iq[k]
        }
        self.forwardTable = forwardTable
        self.inverseTable = inverseTable
        let nInv = modulus.inverseMod(UInt64(degree) % q)
        inverseDegree = ShoupMultiplicand(nInv, modulus: modulus)
        inverseLastRoot = ShoupMultiplicand(modulus.mulMod(ir[1], nInv), modulus: modulus)
        // ⌊w·2^52/q⌋: Shoup quotients for β = 2^52 (inputs below 2^52, HEXL's IFMA form).
        let small = q < VectorISA.ifmaModulusBound
        func quotient52(_ w: UInt64) -> UInt64 { small ? q.dividingFullWidth((w >> 12, w << 52)).quotient : 0 }
        var forwardTable52: [UInt64] = [], inverseTable52: [UInt64] = []
        if small {
            forwardTable52.reserveCapacity(2 * degree); inverseTable52.reserveCapacity(2 * degree)
            for k in 0..<degree {
                forwardTable52.append(fr[k]); forwardTable52.append(quotient52(fr[k]))
                inverseTable52.append(ir[k]); inverseTable52.append(quotient52(ir[k]))
            }
        }
        self.forwardTable52 = forwardTable52
        self.inverseTable52 = inverseTable52
        inverseConstants = hepexc_inverse_constants(
            n_inverse: inverseDegree.value, n_inverse_quotient: inverseDegree.quotient,
            n_inverse_quotient52: quotient52(inverseDegree.value),
            last: inverseLastRoot.value, last_quotient: inverseLastRoot.quotient,
            last_quotient52: quotient52(inverseLastRoot.value))
    }
}

/// Reverses the low `bits` bits of `x`.
@inlinable
public func bitReverse(_ x: Int, bits: Int) -> Int {
    guard bits > 0 else { return 0 }
    return Int(UInt(x).bitReversed >> (UInt.bitWidth - bits))
}

extension UInt {
    @usableFromInline var bitReversed: UInt {
        var v = self, r: UInt = 0
        for _ in 0..<UInt.bitWidth { r = (r << 1) | (v & 1); v >>= 1 }
        return r
    }
}
