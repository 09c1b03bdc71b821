import HepexcModArith
import HepexcRing

/// Generates the secret key and every key derived from it.
///
/// Randomness: `SecureRandom` keyed from the system CSPRNG (or a test seed).
public struct KeyGenerator: Sendable {
    /// The context.
    public let context: CKKSContext
    /// The secret key (ternary).
    public let secretKey: SecretKey
    var rng: SecureRandom

    /// Samples a fresh secret key.
    /// - Parameters: `context`; `seed` a fixed seed for reproducible tests (never in production).
    public init(context: CKKSContext, seed: UInt64? = nil) {
        self.context = context
        var rng = seed.map { SecureRandom(seed: $0) } ?? SecureRandom()
        let s = Sampling.ternary(context.keyRing, &rng).forwardNTT()
        self.secretKey = SecretKey(poly: s, parameterHash: context.parameters.parameterHash)
        self.rng = rng
    }

    /// Reuses an existing secret key.
    /// - Throws: `parameterMismatch` if the key was made under other parameters.
    public init(context: CKKSContext, secretKey: SecretKey, seed: UInt64? = nil) throws {
        guard secretKey.parameterHash == context.parameters.parameterHash else { throw HEError.parameterMismatch }
        self.context = context
        self.secretKey = secretKey
        self.rng = seed.map { SecureRandom(seed: $0) } ?? SecureRandom()
    }

    /// A public key `(−a·s + e, a)` over the top-level Q.
    public mutating func publicKey() -> PublicKey {
        let ring = context.levels[context.parameters.maxLevel]
        let a = Sampling.uniform(ring, &rng)
        var b = Sampling.error(ring, &rng).forwardNTT()
        let s = Poly<Eval>(context: ring, data: Array(secretKey.poly.data[0..<(ring.limbCount * ring.degree)]))
        b -= a * s
        return PublicKey(b: b, a: a, parameterHash: context.parameters.parameterHash)
    }

    /// The relinearization key (from `s²` to `s`).
    public mutating func relinearizationKey() -> RelinearizationKey {
        let s = secretKey.poly
        return RelinearizationKey(key: switchingKey(from: s * s))
    }

    /// Galois keys for rotations by exactly `steps` (left rotation for positive steps) and,
    /// if asked, complex conjugation.
    public mutating func galoisKeys(steps: [Int], conjugation: Bool = false) -> GaloisKeys {
        let n = context.parameters.degree
        var elements = Set(steps.map { Automorphism.rotationElement(steps: $0, degree: n) })
        if conjugation { elements.insert(Automorphism.conjugationElement(degree: n)) }
        elements.remove(1)
        var keys: [Int: KeySwitchKey] = [:]
        for g in elements.sorted() {
            let rotated = secretKey.poly.applying(Automorphism(galoisElement: g, degree: n))
            keys[g] = switchingKey(from: rotated)
        }
        return GaloisKeys(keys: keys)
    }

    /// A hybrid key-switching key from `target` (over the key ring, evaluation form) to `s`.
    mutating func switchingKey(from target: Poly<Eval>) -> KeySwitchKey {
        let params = context.parameters
        let ring = context.keyRing
        let n = params.degree, limbs = ring.limbCount
        let L = params.ciphertextModuli.count
        let digits = params.digitCount
        var data = [UInt64](repeating: 0, count: 2 * digits * limbs * n)
        let layout = KeySwitchKey(digitCount: digits, limbCount: limbs, degree: n, data: [], parameterHash: 0)
        for j in 0..<digits {
            let aj = Sampling.uniform(ring, &rng)
            var bj = Sampling.error(ring, &rng).forwardNTT()
            bj -= aj * secretKey.poly
            // + P·s' on the digit's own limbs (P ≡ 0 on the special limbs).
            for i in params.digitRange(j) where i < L {
                let q = ring.moduli[i]
                let factor = ShoupMultiplicand(context.specialProductModQ[i], modulus: q)
                for k in 0..<n {
                    let term = factor.multiply(target.data[i * n + k], modulus: q.value)
                    bj.data[i * n + k] = q.addMod(bj.data[i * n + k], term)
                }
            }
            let block = layout.blockSize
            for limb in 0..<limbs {
                for start in stride(from: 0, to: n, by: block) {
                    let at = layout.index(limb: limb, coefficient: start, digit: j)
                    for k in 0..<block {
                        data[at + 2 * k] = bj.data[limb * n + start + k]
                        data[at + 2 * k + 1] = aj.data[limb * n + start + k]
                    }
                }
            }
        }
        return KeySwitchKey(digitCount: digits, limbCount: limbs, degree: n, data: data,
                            parameterHash: params.parameterHash)
    }
}
