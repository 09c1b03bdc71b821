internal import Foundation
internal import HepexcPlan

/// A noise-free stand-in for CKKS: ciphertexts are cleartext slot vectors
/// with a level and a scale that follow exactly the rules of the real
/// runtime (rescale divides the scale by the level's prime and drops a
/// level; additions need equal levels and scales). Plans run in
/// milliseconds, and level/scale mistakes surface as errors.
public struct SimulatedBackend: HEBackend {
    public struct Ciphertext: Sendable {
        public var slots: [Double]
        public var level: Int
        public var scale: Double
    }

    public struct Plaintext: Sendable {
        public var slots: [Double]
        public var level: Int
        public var scale: Double
    }

    public let slotCount: Int
    /// The ciphertext primes q₀ … q_L as doubles.
    public let moduli: [Double]
    public let defaultScale: Double
    /// Whether a bootstrap adds its measured error (``bootstrap(_:_:bound:)``);
    /// off for the exact-arithmetic reference.
    public var modelsBootstrapNoise = true

    /// log2(q₀·…·q_ℓ) for every level ℓ: a value times its scale must stay
    /// below half of it, or real CKKS wraps it around into garbage.
    let logModuli: [Double]

    public init(slotCount: Int, moduli: [Double], defaultScale: Double) {
        self.slotCount = slotCount
        self.moduli = moduli
        self.defaultScale = defaultScale
        var sum = 0.0
        logModuli = moduli.map { sum += log2($0); return sum }
    }

    /// `ciphertext` if its values fit its modulus at its scale, as they must
    /// under CKKS; an overflow (which CKKS would silently turn into garbage)
    /// is an error here, so tests and simulated runs catch it.
    func fitting(_ ciphertext: Ciphertext) throws -> Ciphertext {
        let largest = ciphertext.slots.reduce(0) { max($0, abs($1)) }
        guard largest > 0 || largest.isNaN else { return ciphertext }
        let bits = log2(largest) + log2(ciphertext.scale) + 1
        let available = ciphertext.level < logModuli.count ? logModuli[ciphertext.level] : 0
        try check(bits < available, "overflow: a value of magnitude \(largest) at scale 2^\(Int(log2(ciphertext.scale).rounded())) "
                  + "needs \(Int(bits.rounded(.up))) bits but level \(ciphertext.level) holds \(Int(available)): "
                  + "under CKKS it would decrypt to garbage")
        return ciphertext
    }

    public var maxLevel: Int { moduli.count - 1 }
    public func modulus(atLevel level: Int) -> Double { moduli[level] }
    public func level(of ciphertext: Ciphertext) -> Int { ciphertext.level }
    public func scale(of ciphertext: Ciphertext) -> Double { ciphertext.scale }

    func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ExecutorError.simulation(message()) }
    }

    static func scalesMatch(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= max(abs(a), abs(b)) * 0x1p-30 }

    public func encode(_ values: [Double], level: Int, scale: Double, purpose: PlaintextPurpose) throws -> Plaintext {
        try check(values.count == slotCount, "encode of \(values.count) values into \(slotCount) slots")
        try check(level >= 0 && level <= maxLevel, "encode at level \(level)")
        return Plaintext(slots: values, level: level, scale: scale)
    }

    public func encrypt(_ values: [Double], level: Int, scale: Double) throws -> Ciphertext {
        try check(values.count == slotCount, "encrypt of \(values.count) values into \(slotCount) slots")
        return try fitting(Ciphertext(slots: values, level: level, scale: scale))
    }

    public func decrypt(_ ciphertext: Ciphertext) throws -> [Double] { ciphertext.slots }

    public func add(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        try check(lhs.level == rhs.level, "add at levels \(lhs.level) and \(rhs.level)")
        try check(Self.scalesMatch(lhs.scale, rhs.scale), "add at scales \(lhs.scale) and \(rhs.scale)")
        return try fitting(Ciphertext(slots: SlotMath.add(lhs.slots, rhs.slots), level: lhs.level, scale: lhs.scale))
    }

    public func add(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        try check(ciphertext.level == plain.level, "add-plain at levels \(ciphertext.level) and \(plain.level)")
        try check(Self.scalesMatch(ciphertext.scale, plain.scale), "add-plain at scales \(ciphertext.scale) and \(plain.scale)")
        return try fitting(Ciphertext(slots: SlotMath.add(ciphertext.slots, plain.slots), level: ciphertext.level, scale: ciphertext.scale))
    }

    public func add(_ ciphertext: Ciphertext, constant: Double) throws -> Ciphertext {
        try fitting(Ciphertext(slots: ciphertext.slots.map { $0 + constant }, level: ciphertext.level, scale: ciphertext.scale))
    }

    public func multiply(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        try check(ciphertext.level == plain.level, "multiply-plain at levels \(ciphertext.level) and \(plain.level)")
        return try fitting(Ciphertext(slots: SlotMath.multiply(ciphertext.slots, plain.slots), level: ciphertext.level,
                                      scale: ciphertext.scale * plain.scale))
    }

    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], _ plaintexts: [Plaintext]) throws -> Ciphertext {
        try check(!ciphertexts.isEmpty && ciphertexts.count == plaintexts.count, "multiply-accumulate of mismatched lists")
        var result = try multiply(ciphertexts[0], plain: plaintexts[0])
        for index in 1..<ciphertexts.count {
            result = try add(result, multiply(ciphertexts[index], plain: plaintexts[index]))
        }
        return result
    }

    public func multiply(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        try check(lhs.level == rhs.level, "multiply at levels \(lhs.level) and \(rhs.level)")
        return try fitting(Ciphertext(slots: SlotMath.multiply(lhs.slots, rhs.slots), level: lhs.level, scale: lhs.scale * rhs.scale))
    }

    public func multiply(_ ciphertext: Ciphertext, constant: Double, scale: Double) throws -> Ciphertext {
        // CKKS encodes the constant as round(c·scale); mirror that rounding.
        let encoded = (constant * scale).rounded() / scale
        return try fitting(Ciphertext(slots: ciphertext.slots.map { $0 * encoded }, level: ciphertext.level, scale: ciphertext.scale * scale))
    }

    public func rescale(_ ciphertext: Ciphertext) throws -> Ciphertext {
        try check(ciphertext.level > 0, "rescale at level 0: the plan needs more levels")
        return try fitting(Ciphertext(slots: ciphertext.slots, level: ciphertext.level - 1,
                                      scale: ciphertext.scale / moduli[ciphertext.level]))
    }

    public func dropLevel(_ ciphertext: Ciphertext, to level: Int) throws -> Ciphertext {
        try check(level >= 0 && level <= ciphertext.level, "drop from level \(ciphertext.level) to \(level)")
        return try fitting(Ciphertext(slots: ciphertext.slots, level: level, scale: ciphertext.scale))
    }

    public func rotate(_ ciphertext: Ciphertext, by steps: Int) throws -> Ciphertext {
        Ciphertext(slots: SlotMath.rotate(ciphertext.slots, by: steps), level: ciphertext.level, scale: ciphertext.scale)
    }
}
