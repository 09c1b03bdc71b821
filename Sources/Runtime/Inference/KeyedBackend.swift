public import HepexcCKKS
public import HepexcExecutor
public import HepexcPlan

/// The server's CKKS backend: weights are encoded once without any key, and
/// each ciphertext carries the evaluator holding *its* client's evaluation
/// keys. One `PlanExecutor` (one set of encoded weights) thus serves every
/// client; requests with different keys can run side by side.
///
/// It has no secret key: `encrypt` and `decrypt` throw.
public struct KeyedBackend: HEBackend {
    /// A ciphertext and the evaluator with its owner's evaluation keys.
    public struct Ciphertext: Sendable {
        public var value: HepexcCKKS.Ciphertext
        public let evaluator: Evaluator
        /// Its owner's bootstrapper, for plans with bootstrap steps (the
        /// server's shared transforms with the owner's keys; `InferenceServer`).
        public var bootstrapper: Bootstrapper? = nil
    }
    public typealias Plaintext = HepexcCKKS.Plaintext

    public let context: CKKSContext
    let encoder: CKKSEncoder

    public init(context: CKKSContext) {
        self.context = context
        self.encoder = CKKSEncoder(context: context)
    }

    public var slotCount: Int { context.parameters.slotCount }
    public var maxLevel: Int { context.parameters.maxLevel }
    public var defaultScale: Double { context.parameters.defaultScale }
    public func modulus(atLevel level: Int) -> Double { Double(context.parameters.ciphertextModuli[level]) }
    public func level(of ciphertext: Ciphertext) -> Int { ciphertext.value.level }
    public func scale(of ciphertext: Ciphertext) -> Double { ciphertext.value.scale }

    /// The result of `body` as a ciphertext of `source`'s owner.
    func wrap(_ source: Ciphertext, _ body: () throws -> HepexcCKKS.Ciphertext) throws -> Ciphertext {
        do {
            return Ciphertext(value: try body(), evaluator: source.evaluator, bootstrapper: source.bootstrapper)
        } catch let error as HEError { throw ExecutorError.runtime(error) }
    }

    public func encode(_ values: [Double], level: Int, scale: Double, purpose: PlaintextPurpose) throws -> Plaintext {
        do { return try encoder.encode(values, scale: scale, level: level) } catch let error as HEError { throw ExecutorError.runtime(error) }
    }

    public func encrypt(_ values: [Double], level: Int, scale: Double) throws -> Ciphertext {
        throw ExecutorError.input("the server holds no encryption key: clients encrypt their own inputs")
    }

    public func decrypt(_ ciphertext: Ciphertext) throws -> [Double] {
        throw ExecutorError.input("the server holds no secret key and cannot decrypt")
    }

    public func add(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        try wrap(lhs) { try lhs.evaluator.add(lhs.value, rhs.value) }
    }
    public func add(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        try wrap(ciphertext) { try ciphertext.evaluator.add(ciphertext.value, plain) }
    }
    public func add(_ ciphertext: Ciphertext, constant: Double) throws -> Ciphertext {
        try wrap(ciphertext) { try ciphertext.evaluator.add(ciphertext.value, constant: constant) }
    }
    public func multiply(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        try wrap(ciphertext) { try ciphertext.evaluator.multiply(ciphertext.value, plain) }
    }
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], _ plaintexts: [Plaintext]) throws -> Ciphertext {
        guard let first = ciphertexts.first else { throw ExecutorError.input("internal: multiply-accumulate of nothing") }
        return try wrap(first) { try first.evaluator.multiplyAccumulate(ciphertexts.map(\.value), plaintexts) }
    }
    public func multiply(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        try wrap(lhs) { try lhs.evaluator.multiplyRelinearize(lhs.value, rhs.value) }
    }
    public func multiply(_ ciphertext: Ciphertext, constant: Double, scale: Double) throws -> Ciphertext {
        try wrap(ciphertext) { try ciphertext.evaluator.multiply(ciphertext.value, constant: constant, scale: scale) }
    }
    public func rescale(_ ciphertext: Ciphertext) throws -> Ciphertext {
        try wrap(ciphertext) { try ciphertext.evaluator.rescale(ciphertext.value) }
    }
    public func dropLevel(_ ciphertext: Ciphertext, to level: Int) throws -> Ciphertext {
        try wrap(ciphertext) { try ciphertext.evaluator.dropLevel(ciphertext.value, to: level) }
    }
    public func rotate(_ ciphertext: Ciphertext, by steps: Int) throws -> Ciphertext {
        try wrap(ciphertext) { try ciphertext.evaluator.rotate(ciphertext.value, by: steps) }
    }
    public func rotations(_ ciphertext: Ciphertext, by steps: [Int]) throws -> [Ciphertext] {
        guard steps.count > 1 else { return try steps.map { try rotate(ciphertext, by: $0) } }
        let evaluator = ciphertext.evaluator
        let rotated: [Int: HepexcCKKS.Ciphertext]
        do { rotated = try evaluator.rotateHoisted(ciphertext.value, by: steps) } catch let error as HEError {
            throw ExecutorError.runtime(error)
        }
        return try steps.map { step in
            guard let result = rotated[step] else { throw ExecutorError.input("internal: hoisted rotation \(step) missing") }
            return Ciphertext(value: result, evaluator: evaluator, bootstrapper: ciphertext.bootstrapper)
        }
    }
}

extension KeyedBackend {
    /// Checks a plan's bootstrap step against the parameters (keys are per
    /// request: `InferenceServer.evaluate` builds each owner's bootstrapper).
    public func prepareBootstrap(_ step: BootstrapStep) throws {
        try step.check(against: context.parameters)
    }

    public func bootstrap(_ ciphertext: Ciphertext, _ step: BootstrapStep, bound: Double) throws -> Ciphertext {
        guard let bootstrapper = ciphertext.bootstrapper else {
            throw ExecutorError.input("bootstrap \(step.name): the request carries no bootstrapping keys")
        }
        return try wrap(ciphertext) { try bootstrapper.bootstrap(ciphertext.value) }
    }
}
