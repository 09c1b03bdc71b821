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
///
/// A key may be *level-trimmed* (`level` below the top): it then holds only the limbs
/// q_0 … q_level, p_0 … p_{K−1} and the digits that cover q_0 … q_level — exactly the part of
/// the full key a key switch at level ≤ `level` reads — and switches only ciphertexts up to
/// that level (the evaluator refuses higher ones with `keyLevelTooLow`).
public struct KeySwitchKey: Sendable {
    public let digitCount: Int
    public let limbCount: Int
    public let degree: Int
    /// The highest ciphertext level this key switches (the top level for a full key).
    public let level: Int
    /// `2 · limbCount · degree · digitCount` residues.
    public let data: [UInt64]
    public let parameterHash: UInt64

    init(digitCount: Int, limbCount: Int, degree: Int, level: Int, data: [UInt64], parameterHash: UInt64) {
        self.digitCount = digitCount
        self.limbCount = limbCount
        self.degree = degree
        self.level = level
        self.data = data
        self.parameterHash = parameterHash
    }

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

    /// This key's storage limb for extended position `e` of a key switch at ciphertext level
    /// `ciphertextLevel` ≤ `level` (q_0 … q_ℓ, then p_0 … p_{K−1}).
    @inline(__always)
    func storageLimb(_ e: Int, ciphertextLevel: Int) -> Int {
        e <= ciphertextLevel ? e : level + 1 + (e - ciphertextLevel - 1)
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
