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

    /// The relinearization key (from `s²` to `s`), for ciphertexts up to `level` (default:
    /// the top; a lower level trims the key, see ``KeySwitchKey``).
    public mutating func relinearizationKey(level: Int? = nil) -> RelinearizationKey {
        let s = secretKey.poly
        return RelinearizationKey(key: switchingKey(from: s * s, level: level))
    }

    /// Galois keys for rotations by exactly `steps` (left rotation for positive steps) and,
    /// if asked, complex conjugation.
    public mutating func galoisKeys(steps: [Int], conjugation: Bool = false) -> GaloisKeys {
        let top = context.parameters.maxLevel
        return galoisKeys(stepLevels: Dictionary(steps.map { ($0, top) }, uniquingKeysWith: max),
                          conjugationLevel: conjugation ? top : nil)
    }

    /// Level-trimmed Galois keys: the rotation by each step of `stepLevels` (left for positive
    /// steps) for ciphertexts up to its level, and complex conjugation up to
    /// `conjugationLevel` (none when nil). Levels above the top are clamped to it.
    public mutating func galoisKeys(stepLevels: [Int: Int], conjugationLevel: Int? = nil) -> GaloisKeys {
        let n = context.parameters.degree
        var levels: [Int: Int] = [:]
        for (step, level) in stepLevels {
            let g = Automorphism.rotationElement(steps: step, degree: n)
            levels[g] = max(levels[g] ?? 0, level)
        }
        if let conjugationLevel {
            let g = Automorphism.conjugationElement(degree: n)
            levels[g] = max(levels[g] ?? 0, conjugationLevel)
        }
        levels[1] = nil
        var keys: [Int: KeySwitchKey] = [:]
        for (g, level) in levels.sorted(by: { $0.key < $1.key }) {
            let rotated = secretKey.poly.applying(Automorphism(galoisElement: g, degree: n))
            keys[g] = switchingKey(from: rotated, level: level)
        }
        return GaloisKeys(keys: keys)
    }

    /// A hybrid key-switching key from `target` (over the key ring, evaluation form) to `s`,
    /// for ciphertexts up to `level` (nil: the top): only the limbs q_0 … q_level, p_0 … p_{K−1}
    /// and the digits covering q_0 … q_level are sampled and stored.
    mutating func switchingKey(from target: Poly<Eval>, level: Int? = nil) -> KeySwitchKey {
        let params = context.parameters
        let L = params.ciphertextModuli.count
        let top = min(max(level ?? params.maxLevel, 0), params.maxLevel)
        let n = params.degree
        // The key ring restricted to q_0 … q_top, p_0 … p_{K−1} (the full key ring at the top).
        let keep = Array(0...top) + Array(L..<context.keyRing.limbCount)
        let ring = top == params.maxLevel ? context.keyRing
            : RingContext(tables: keep.map { context.tables[$0] }, parallelism: context.keyRing.parallelism)
        let limbs = ring.limbCount
        let secret = top == params.maxLevel ? secretKey.poly : Self.limbs(keep, of: secretKey.poly, ring: ring)
        let digits = KeySwitchKey.digitCount(atLevel: top, parameters: params)
        var data = [UInt64](repeating: 0, count: 2 * digits * limbs * n)
        let layout = KeySwitchKey(digitCount: digits, limbCount: limbs, degree: n, level: top, data: [], parameterHash: 0)
        for j in 0..<digits {
            let aj = Sampling.uniform(ring, &rng)
            var bj = Sampling.error(ring, &rng).forwardNTT()
            bj -= aj * secret
            // + P·s' on the digit's own limbs (P ≡ 0 on the special limbs); limb i ≤ top is
            // stored at position i in both rings.
            for i in params.digitRange(j) where i <= top {
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
        return KeySwitchKey(digitCount: digits, limbCount: limbs, degree: n, level: top, data: data,
                            parameterHash: params.parameterHash)
    }

    /// The limbs `keep` (key-ring indices) of `poly`, as a polynomial over `ring`.
    static func limbs(_ keep: [Int], of poly: Poly<Eval>, ring: RingContext) -> Poly<Eval> {
        let n = ring.degree
        var data: [UInt64] = []
        data.reserveCapacity(keep.count * n)
        for i in keep { data += poly.data[(i * n)..<((i + 1) * n)] }
        return Poly<Eval>(context: ring, data: data)
    }
}
