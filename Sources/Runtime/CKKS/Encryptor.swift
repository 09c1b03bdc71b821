import HepexcRing

/// Encrypts plaintexts with the public key (or, for tests and clients, the secret key).
public struct Encryptor: Sendable {
    public let context: CKKSContext
    enum Key: Sendable {
        case publicKey(PublicKey)
        case secretKey(SecretKey)
    }

    let key: Key
    var rng: SecureRandom

    /// Public-key encryption.
    /// - Throws: `parameterMismatch`.
    public init(context: CKKSContext, publicKey: PublicKey, seed: UInt64? = nil) throws {
        guard publicKey.parameterHash == context.parameters.parameterHash else { throw HEError.parameterMismatch }
        self.context = context
        self.key = .publicKey(publicKey)
        self.rng = seed.map { SecureRandom(seed: $0) } ?? SecureRandom()
    }

    /// Secret-key (symmetric) encryption: smaller noise.
    /// - Throws: `parameterMismatch`.
    public init(context: CKKSContext, secretKey: SecretKey, seed: UInt64? = nil) throws {
        guard secretKey.parameterHash == context.parameters.parameterHash else { throw HEError.parameterMismatch }
        self.context = context
        self.key = .secretKey(secretKey)
        self.rng = seed.map { SecureRandom(seed: $0) } ?? SecureRandom()
    }

    /// Encrypts at the plaintext's level and scale.
    /// - Public key: `(b·u + e_0 + m, a·u + e_1)` with ternary `u`; secret key: `(−a·s + e + m, a)`
    ///   with `a` expanded from a fresh ``CiphertextSeed``.
    public mutating func encrypt(_ plaintext: Plaintext) -> Ciphertext {
        encrypt(in: plaintext.poly.context, scale: plaintext.scale) { error in
            var c0 = error.forwardNTT()
            c0 += plaintext.poly
            return c0
        }.ciphertext
    }

    /// Encodes `values` and encrypts them, adding the error to the message
    /// before the NTT they then share (NTT(m) + NTT(e) = NTT(m + e): the same
    /// ciphertext as encode-then-encrypt, one NTT fewer per limb).
    /// - Throws: the encoder's errors (`tooManyValues`, `encodingOverflow`, `invalidLevel`).
    public mutating func encrypt(_ values: [Double], encoder: CKKSEncoder, scale: Double? = nil,
                                 level: Int? = nil) throws -> Ciphertext {
        try encryptWithSeed(values, encoder: encoder, scale: scale, level: level).ciphertext
    }

    /// Seeded symmetric encryption (secret key only): the ciphertext and the
    /// seed its `a` was expanded from, so that it can be stored as `c_0` and the
    /// seed (``Ciphertext/serialized(seed:context:)``). The same ciphertext as
    /// ``encrypt(_:encoder:scale:level:)``.
    /// - Throws: `seededEncryptionNeedsSecretKey` for a public-key encryptor; the encoder's errors.
    public mutating func encryptSeeded(_ values: [Double], encoder: CKKSEncoder, scale: Double? = nil,
                                       level: Int? = nil) throws -> (ciphertext: Ciphertext, seed: CiphertextSeed) {
        guard case .secretKey = key else { throw HEError.seededEncryptionNeedsSecretKey }
        let (ciphertext, seed) = try encryptWithSeed(values, encoder: encoder, scale: scale, level: level)
        guard let seed else { throw HEError.seededEncryptionNeedsSecretKey }
        return (ciphertext, seed)
    }

    private mutating func encryptWithSeed(_ values: [Double], encoder: CKKSEncoder, scale: Double?,
                                          level: Int?) throws -> (ciphertext: Ciphertext, seed: CiphertextSeed?) {
        let (message, scale) = try encoder.encodeCoefficients(real: values, imaginary: [], scale: scale, level: level)
        return encrypt(in: message.context, scale: scale) { error in
            var c0 = message
            c0 += error
            return c0.forwardNTT()
        }
    }

    /// The encryption of what `messagePlus` makes of the error `e_0`: the
    /// message added and in evaluation form. Randomness is drawn in the same
    /// order for both entry points (public key: u, e_0, e_1; secret key: the
    /// seed of `a`, e). The secret key's `a` is expanded from a fresh seed
    /// (``CiphertextSeed``), returned with the ciphertext.
    private mutating func encrypt(in ring: RingContext, scale: Double,
                                  messagePlus: (Poly<Coeff>) -> Poly<Eval>) -> (ciphertext: Ciphertext, seed: CiphertextSeed?) {
        switch key {
        case .publicKey(let pk):
            let u = Sampling.ternary(ring, &rng).forwardNTT()
            var c0 = messagePlus(Sampling.error(ring, &rng))
            var c1 = Sampling.error(ring, &rng).forwardNTT()
            c0.multiplyAdd(pk.b.restricted(to: ring), u)
            c1.multiplyAdd(pk.a.restricted(to: ring), u)
            return (Ciphertext(polys: [c0, c1], scale: scale), nil)
        case .secretKey(let sk):
            let seed = CiphertextSeed(drawingFrom: &rng)
            let a = seed.expand(ring)
            var c0 = messagePlus(Sampling.error(ring, &rng))
            c0 -= a * sk.poly.restricted(to: ring)
            return (Ciphertext(polys: [c0, a], scale: scale), seed)
        }
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
