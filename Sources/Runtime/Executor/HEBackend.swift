public import HepexcPlan

/// What a plaintext is used for; counters report mask multiplications
/// separately from weight multiplications.
public enum PlaintextPurpose: Sendable {
    case weight, mask, bias, constant
}

/// The operations the plan executor needs, implemented by the real CKKS
/// runtime (`CKKSBackend`) and by a noise-free simulation
/// (`SimulatedBackend`) that tracks levels and scales exactly the same way.
///
/// Plaintexts that multiply a ciphertext are encoded at scale
/// `modulus(atLevel:)` of that ciphertext's level, so a rescale brings the
/// product back to the ciphertext's scale.
public protocol HEBackend: Sendable {
    associatedtype Ciphertext: Sendable
    associatedtype Plaintext: Sendable

    var slotCount: Int { get }
    /// The level of a fresh ciphertext.
    var maxLevel: Int { get }
    var defaultScale: Double { get }
    /// The prime a rescale at `level` divides by.
    func modulus(atLevel level: Int) -> Double

    func level(of ciphertext: Ciphertext) -> Int
    func scale(of ciphertext: Ciphertext) -> Double

    func encode(_ values: [Double], level: Int, scale: Double, purpose: PlaintextPurpose) throws -> Plaintext
    func encrypt(_ values: [Double], level: Int, scale: Double) throws -> Ciphertext
    func decrypt(_ ciphertext: Ciphertext) throws -> [Double]

    func add(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext
    func add(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext
    func add(_ ciphertext: Ciphertext, constant: Double) throws -> Ciphertext
    func multiply(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext
    /// Σ ctᵢ ⊙ ptᵢ with one reduction at the end.
    func multiplyAccumulate(_ ciphertexts: [Ciphertext], _ plaintexts: [Plaintext]) throws -> Ciphertext
    /// ct × ct followed by relinearization.
    func multiply(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext
    func multiply(_ ciphertext: Ciphertext, constant: Double, scale: Double) throws -> Ciphertext
    func rescale(_ ciphertext: Ciphertext) throws -> Ciphertext
    func dropLevel(_ ciphertext: Ciphertext, to level: Int) throws -> Ciphertext
    /// Left rotation by `steps` slots (0 < steps < slotCount).
    func rotate(_ ciphertext: Ciphertext, by steps: Int) throws -> Ciphertext
    /// Several rotations of one ciphertext (sharing one key-switching
    /// decomposition where the backend can), in the order of `steps`.
    func rotations(_ ciphertext: Ciphertext, by steps: [Int]) throws -> [Ciphertext]
    /// `Σ_i lhs_i ⊙ rhs_i` at the product scale, not rescaled (one relinearization where the
    /// backend can defer it).
    func innerProduct(_ lhs: [Ciphertext], _ rhs: [Ciphertext]) throws -> Ciphertext
    /// Σ ctᵢ · cᵢ, every constant encoded at `scale` (a packed layer's
    /// output, ``PackedLayer``): as many constant multiplies as terms and
    /// one fewer additions.
    func multiplyAccumulate(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) throws -> Ciphertext
    /// Bootstrapping (plan ``BootstrapStep``s; defaults that throw in
    /// `HEBackend+Bootstrap.swift`).
    func prepareBootstrap(_ step: BootstrapStep) throws
    func bootstrap(_ ciphertext: Ciphertext, _ step: BootstrapStep, bound: Double) throws -> Ciphertext
}

extension HEBackend {
    public func rotations(_ ciphertext: Ciphertext, by steps: [Int]) throws -> [Ciphertext] {
        try steps.map { try rotate(ciphertext, by: $0) }
    }
    public func innerProduct(_ lhs: [Ciphertext], _ rhs: [Ciphertext]) throws -> Ciphertext {
        guard let first = lhs.first, let other = rhs.first, lhs.count == rhs.count else {
            throw ExecutorError.input("internal: inner product of \(lhs.count) and \(rhs.count) ciphertexts")
        }
        var total = try multiply(first, other)
        for index in lhs.indices.dropFirst() { total = try add(total, multiply(lhs[index], rhs[index])) }
        return total
    }

    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) throws -> Ciphertext {
        guard let first = ciphertexts.first, ciphertexts.count == constants.count else {
            throw ExecutorError.input("internal: a constant multiply-accumulate needs equally many (≥ 1) ciphertexts and constants")
        }
        var sum = try multiply(first, constant: constants[0], scale: scale)
        for index in ciphertexts.indices.dropFirst() {
            sum = try add(sum, multiply(ciphertexts[index], constant: constants[index], scale: scale))
        }
        return sum
    }
}
