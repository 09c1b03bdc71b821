public import HepexcCKKS

/// The real thing: the plan executor's operations on `HepexcCKKS`.
///
/// Holds the evaluation keys the server needs and, for running client and
/// server in one process (`hepexc run`), an encryptor and decryptor.
public struct CKKSBackend: HEBackend {
    public let context: CKKSContext
    let encoder: CKKSEncoder
    let evaluator: Evaluator
    /// The key inputs are encrypted with.
    public enum EncryptionKey: Sendable {
        /// Public-key encryption (anyone can encrypt).
        case publicKey(PublicKey)
        /// Symmetric encryption by the key's owner: less noise and faster;
        /// what a client encrypting its own data uses.
        case secretKey(SecretKey)
    }

    let encryptionKey: EncryptionKey
    let decryptor: Decryptor
    /// Built on a plan's first bootstrap step (`CKKSBackend+Bootstrap.swift`).
    let bootstrappers = BootstrapperCache()
    /// The keys of sparse-secret encapsulation, for plans whose bootstraps
    /// set `ephemeralSecretWeight` (nil otherwise).
    public let encapsulationKeys: EncapsulationKeys?

    /// - Parameters:
    ///   - encryptionKey: every encryption draws a fresh CSPRNG-keyed
    ///     `Encryptor` (copies of one would repeat its stream).
    ///   - encapsulationKeys: for bootstraps with sparse-secret encapsulation.
    public init(context: CKKSContext, evaluator: Evaluator, encryptionKey: EncryptionKey, decryptor: Decryptor,
                encapsulationKeys: EncapsulationKeys? = nil) {
        self.context = context
        self.encoder = CKKSEncoder(context: context)
        self.evaluator = evaluator
        self.encryptionKey = encryptionKey
        self.decryptor = decryptor
        self.encapsulationKeys = encapsulationKeys
    }

    public var slotCount: Int { context.parameters.slotCount }
    public var maxLevel: Int { context.parameters.maxLevel }
    public var defaultScale: Double { context.parameters.defaultScale }
    public func modulus(atLevel level: Int) -> Double { Double(context.parameters.ciphertextModuli[level]) }
    public func level(of ciphertext: Ciphertext) -> Int { ciphertext.level }
    public func scale(of ciphertext: Ciphertext) -> Double { ciphertext.scale }

    func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as HEError { throw ExecutorError.runtime(error) }
    }

    public func encode(_ values: [Double], level: Int, scale: Double, purpose: PlaintextPurpose) throws -> Plaintext {
        try wrap { try encoder.encode(values, scale: scale, level: level) }
    }

    public func encrypt(_ values: [Double], level: Int, scale: Double) throws -> Ciphertext {
        try wrap {
            var encryptor: Encryptor
            switch encryptionKey {
            case .publicKey(let key): encryptor = try Encryptor(context: context, publicKey: key)
            case .secretKey(let key): encryptor = try Encryptor(context: context, secretKey: key)
            }
            return try encryptor.encrypt(values, encoder: encoder, scale: scale, level: level)
        }
    }

    public func decrypt(_ ciphertext: Ciphertext) throws -> [Double] {
        encoder.decode(decryptor.decrypt(ciphertext))
    }

    public func add(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext { try wrap { try evaluator.add(lhs, rhs) } }
    public func add(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        try wrap { try evaluator.add(ciphertext, plain) }
    }
    public func add(_ ciphertext: Ciphertext, constant: Double) throws -> Ciphertext {
        try wrap { try evaluator.add(ciphertext, constant: constant) }
    }
    public func multiply(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        try wrap { try evaluator.multiply(ciphertext, plain) }
    }
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], _ plaintexts: [Plaintext]) throws -> Ciphertext {
        try wrap { try evaluator.multiplyAccumulate(ciphertexts, plaintexts) }
    }
    public func innerProduct(_ lhs: [Ciphertext], _ rhs: [Ciphertext]) throws -> Ciphertext {
        try wrap { try evaluator.innerProduct(lhs, rhs) }
    }
    public func multiply(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        try wrap { try evaluator.multiplyRelinearize(lhs, rhs) }
    }
    public func multiply(_ ciphertext: Ciphertext, constant: Double, scale: Double) throws -> Ciphertext {
        try wrap { try evaluator.multiply(ciphertext, constant: constant, scale: scale) }
    }
    public func rescale(_ ciphertext: Ciphertext) throws -> Ciphertext { try wrap { try evaluator.rescale(ciphertext) } }
    public func dropLevel(_ ciphertext: Ciphertext, to level: Int) throws -> Ciphertext {
        try wrap { try evaluator.dropLevel(ciphertext, to: level) }
    }
    public func rotate(_ ciphertext: Ciphertext, by steps: Int) throws -> Ciphertext {
        try wrap { try evaluator.rotate(ciphertext, by: steps) }
    }
    public func rotations(_ ciphertext: Ciphertext, by steps: [Int]) throws -> [Ciphertext] {
        guard steps.count > 1 else { return try steps.map { try rotate(ciphertext, by: $0) } }
        return try wrap {
            let rotated = try evaluator.rotateHoisted(ciphertext, by: steps)
            return try steps.map { step in
                guard let result = rotated[step] else { throw ExecutorError.input("internal: hoisted rotation \(step) missing") }
                return result
            }
        }
    }
}
