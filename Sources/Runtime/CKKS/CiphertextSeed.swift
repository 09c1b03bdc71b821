public import HepexcRing

/// The 256 bits a seeded symmetric ciphertext's `a` is expanded from.
///
/// A secret-key encryption `(−a·s + e + m, a)` needs `a` uniform and fresh, not
/// secret: `a` is public anyway (it is half of the ciphertext). So the encryptor
/// draws a fresh seed per ciphertext from its CSPRNG and derives `a` from it; a
/// file then needs only `c_0` and the seed — half the bytes (the "seed
/// compression" of SEAL's seeded serialization). Expansion, a fixed function of
/// the seed (so the format depends on it): ChaCha20 keyed by the four words
/// (word i = key words 2i, 2i + 1, little-endian), block counter from 0, nonce 0,
/// read by ``Sampling/uniform(_:_:)`` — limb after limb, each residue by rejection on
/// `bitWidth(q_i)` bits — directly in evaluation form.
public struct CiphertextSeed: Sendable, Hashable {
    /// Four 64-bit words.
    public let words: [UInt64]

    /// A seed from four words (`nil` for any other count).
    public init?(words: [UInt64]) {
        guard words.count == 4 else { return nil }
        self.words = words
    }

    /// A fresh seed: the next four words of `rng` (keyed from the system CSPRNG).
    init(drawingFrom rng: inout SecureRandom) {
        words = [rng.next(), rng.next(), rng.next(), rng.next()]
    }

    /// `a` at `ring`'s limbs (the ciphertext's level), in evaluation form.
    public func expand(_ ring: RingContext) -> Poly<Eval> {
        var stream = SecureRandom(keyWords: words)
        return Sampling.uniform(ring, &stream)
    }
}
