public import HepexcRing

/// The secret key `s` (ternary), in evaluation form over the whole key ring Q ∪ P.
/// It has its own file type and is never part of a plan.
public struct SecretKey: Sendable {
    /// `s` over q_0 … q_{L−1}, p_0 … p_{K−1}.
    public let poly: Poly<Eval>
    /// The hash of the parameters it was made under.
    public let parameterHash: UInt64
}

/// A public encryption key `(b, a) = (−a·s + e, a)` over the top-level Q.
public struct PublicKey: Sendable {
    public let b: Poly<Eval>
    public let a: Poly<Eval>
    public let parameterHash: UInt64
}

/// A hybrid key-switching key from `s'` to `s`: for each digit j,
/// `(b_j, a_j) = (−a_j·s + e_j + [j-th digit indicator]·P·s', a_j)` over Q ∪ P.
///
/// Stored as one flat array laid out `[limb][block][digit][coefficient in block][b, a]` with
/// blocks of `blockSize` coefficients (limbs in key-ring order): the key-switching inner
/// product walks it as a single sequential stream while its accumulators stay in L1.
public struct KeySwitchKey: Sendable {
    public let digitCount: Int
    public let limbCount: Int
    public let degree: Int
    /// `2 · limbCount · degree · digitCount` residues.
    public let data: [UInt64]
    public let parameterHash: UInt64

    /// Memory taken by the key material.
    public var byteCount: Int { data.count * 8 }

    /// Coefficients per block of the layout.
    var blockSize: Int { Swift.min(degree, 512) }

    /// Index of `b_j` (and `a_j` at +1) for `limb`, coefficient `k`, digit `j`.
    @inline(__always)
    func index(limb: Int, coefficient k: Int, digit j: Int) -> Int {
        let b = blockSize
        return 2 * (limb * degree * digitCount + (k / b) * b * digitCount + j * b + k % b)
    }
}

/// The relinearization key (switches from `s²` to `s`).
public struct RelinearizationKey: Sendable {
    public let key: KeySwitchKey
}

/// Galois keys for a set of automorphisms (switch from `σ_g(s)` to `s`), keyed by `g`.
public struct GaloisKeys: Sendable {
    public let keys: [Int: KeySwitchKey]

    /// The Galois elements present.
    public var galoisElements: [Int] { keys.keys.sorted() }
}
