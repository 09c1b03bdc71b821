import HepexcRing

/// Encrypts plaintexts with the public key (or, for tests and clients, the secret key).
public struct Encryptor: Sendable {
    public let context: CKKSContext
    private let publicKey: PublicKey?
    private let secretKey: SecretKey?
    private var rng: SecureRandom

    /// Public-key encryption.
    /// - Throws: `parameterMismatch`.
    public init(context: CKKSContext, publicKey: PublicKey, seed: UInt64? = nil) throws {
        guard publicKey.parameterHash == context.parameters.parameterHash else { throw HEError.parameterMismatch }
        self.context = context; self.publicKey = publicKey; self.secretKey = nil
        self.rng = seed.map { SecureRandom(seed: $0) } ?? SecureRandom()
    }

    /// Secret-key (symmetric) encryption: smaller noise.
    /// - Throws: `parameterMismatch`.
    public init(context: CKKSContext, secretKey: SecretKey, seed: UInt64? = nil) throws {
        guard secretKey.parameterHash == context.parameters.parameterHash else { throw HEError.parameterMismatch }
        self.context = context; self.publicKey = nil; self.secretKey = secretKey
        self.rng = seed.map { SecureRandom(seed: $0) } ?? SecureRandom()
    }

    /// Encrypts at the plaintext's level and scale.
    /// - Public key: `(b·u + e_0 + m, a·u + e_1)` with ternary `u`; secret key: `(−a·s + e + m, a)`.
    public mutating func encrypt(_ plaintext: Plaintext) -> Ciphertext {
        let ring = plaintext.poly.context
        if let pk = publicKey {
            let u = Sampling.ternary(ring, &rng).forwardNTT()
            var c0 = Sampling.error(ring, &rng).forwardNTT()
            var c1 = Sampling.error(ring, &rng).forwardNTT()
            let b = pk.b.restricted(to: ring), a = pk.a.restricted(to: ring)
            c0.multiplyAdd(b, u)
            c0 += plaintext.poly
            c1.multiplyAdd(a, u)
            return Ciphertext(polys: [c0, c1], scale: plaintext.scale)
        }
        let sk = secretKey!
        let s = sk.poly.restricted(to: ring)
        let a = Sampling.uniform(ring, &rng)
        var c0 = Sampling.error(ring, &rng).forwardNTT()
        c0 -= a * s
        c0 += plaintext.poly
        return Ciphertext(polys: [c0, a], scale: plaintext.scale)
    }
}

/// Decrypts ciphertexts with the secret key.
public struct Decryptor: Sendable {
    public let context: CKKSContext
    private let secretKey: SecretKey

    /// - Throws: `parameterMismatch`.
    public init(context: CKKSContext, secretKey: SecretKey) throws {
        guard secretKey.parameterHash == context.parameters.parameterHash else { throw HEError.parameterMismatch }
        self.context = context
        self.secretKey = secretKey
    }

    /// `c_0 + c_1·s (+ c_2·s²)` at the ciphertext's level and scale.
    public func decrypt(_ ciphertext: Ciphertext) -> Plaintext {
        let ring = ciphertext.polys[0].context
        let s = secretKey.poly.restricted(to: ring)
        var m = ciphertext.polys[0]
        var power = s
        for i in 1..<ciphertext.size {
            m.multiplyAdd(ciphertext.polys[i], power)
            if i + 1 < ciphertext.size { power *= s }
        }
        return Plaintext(poly: m, scale: ciphertext.scale)
    }
}

extension Poly where Format == Eval {
    /// The first limbs of this polynomial as an element of `ring` (a prefix of its primes);
    /// no copy when the ring is the same.
    func restricted(to ring: RingContext) -> Poly<Eval> {
        if ring === context { return self }
        return Poly<Eval>(context: ring, data: Array(data[0..<(ring.limbCount * ring.degree)]))
    }
}
