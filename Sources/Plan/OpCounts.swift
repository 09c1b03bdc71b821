/// Homomorphic operations by kind, as the executor runs them (counted by
/// `CountingBackend`) or as `Plan.estimatedOpCounts` predicts them.
public struct OpCounts: Sendable, Codable, Equatable, CustomStringConvertible {
    /// ct × plaintext weight multiplications.
    public var plainMultiplies = 0
    /// ct × plaintext mask multiplications (clearing unknown slots).
    public var maskMultiplies = 0
    /// ct × ct multiplications (each followed by relinearization).
    public var cipherMultiplies = 0
    /// ct × constant multiplications (polynomial coefficients).
    public var constantMultiplies = 0
    /// ct + ct additions.
    public var additions = 0
    /// ct + plaintext/constant additions (bias, constant terms).
    public var plainAdditions = 0
    public var rotations = 0
    public var rescales = 0
    public var levelDrops = 0
    /// Ciphertexts bootstrapped (``BootstrapStep``), and the key switches and
    /// ct × ct products those bootstraps perform (``BootstrapStep``'s model;
    /// not included in `rotations` and `cipherMultiplies`).
    public var bootstraps = 0
    public var bootstrapRotations = 0
    public var bootstrapMultiplies = 0

    public init() { }

    public static func + (a: OpCounts, b: OpCounts) -> OpCounts {
        var sum = a
        sum.plainMultiplies += b.plainMultiplies
        sum.maskMultiplies += b.maskMultiplies
        sum.cipherMultiplies += b.cipherMultiplies
        sum.constantMultiplies += b.constantMultiplies
        sum.additions += b.additions
        sum.plainAdditions += b.plainAdditions
        sum.rotations += b.rotations
        sum.rescales += b.rescales
        sum.levelDrops += b.levelDrops
        sum.bootstraps += b.bootstraps
        sum.bootstrapRotations += b.bootstrapRotations
        sum.bootstrapMultiplies += b.bootstrapMultiplies
        return sum
    }

    public static func * (a: OpCounts, factor: Int) -> OpCounts {
        var product = OpCounts()
        product.plainMultiplies = a.plainMultiplies * factor
        product.maskMultiplies = a.maskMultiplies * factor
        product.cipherMultiplies = a.cipherMultiplies * factor
        product.constantMultiplies = a.constantMultiplies * factor
        product.additions = a.additions * factor
        product.plainAdditions = a.plainAdditions * factor
        product.rotations = a.rotations * factor
        product.rescales = a.rescales * factor
        product.levelDrops = a.levelDrops * factor
        product.bootstraps = a.bootstraps * factor
        product.bootstrapRotations = a.bootstrapRotations * factor
        product.bootstrapMultiplies = a.bootstrapMultiplies * factor
        return product
    }

    public var description: String {
        "ct×pt \(plainMultiplies), mask \(maskMultiplies), ct×ct \(cipherMultiplies), ct×c \(constantMultiplies), "
            + "add \(additions), add-pt \(plainAdditions), rot \(rotations), rescale \(rescales), drop \(levelDrops)"
            + (bootstraps > 0 ? ", bootstrap \(bootstraps) (rot \(bootstrapRotations), ct×ct \(bootstrapMultiplies))" : "")
    }
}

extension OpCounts {
    enum CodingKeys: String, CodingKey {
        case plainMultiplies, maskMultiplies, cipherMultiplies, constantMultiplies, additions, plainAdditions, rotations
        case rescales, levelDrops, bootstraps, bootstrapRotations, bootstrapMultiplies
    }

    /// The bootstrap counts are written only when there are any, so plans and
    /// reports without bootstraps keep their JSON, and read when present.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        plainMultiplies = try c.decode(Int.self, forKey: .plainMultiplies)
        maskMultiplies = try c.decode(Int.self, forKey: .maskMultiplies)
        cipherMultiplies = try c.decode(Int.self, forKey: .cipherMultiplies)
        constantMultiplies = try c.decode(Int.self, forKey: .constantMultiplies)
        additions = try c.decode(Int.self, forKey: .additions)
        plainAdditions = try c.decode(Int.self, forKey: .plainAdditions)
        rotations = try c.decode(Int.self, forKey: .rotations)
        rescales = try c.decode(Int.self, forKey: .rescales)
        levelDrops = try c.decode(Int.self, forKey: .levelDrops)
        bootstraps = try c.decodeIfPresent(Int.self, forKey: .bootstraps) ?? 0
        bootstrapRotations = try c.decodeIfPresent(Int.self, forKey: .bootstrapRotations) ?? 0
        bootstrapMultiplies = try c.decodeIfPresent(Int.self, forKey: .bootstrapMultiplies) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(plainMultiplies, forKey: .plainMultiplies)
        try c.encode(maskMultiplies, forKey: .maskMultiplies)
        try c.encode(cipherMultiplies, forKey: .cipherMultiplies)
        try c.encode(constantMultiplies, forKey: .constantMultiplies)
        try c.encode(additions, forKey: .additions)
        try c.encode(plainAdditions, forKey: .plainAdditions)
        try c.encode(rotations, forKey: .rotations)
        try c.encode(rescales, forKey: .rescales)
        try c.encode(levelDrops, forKey: .levelDrops)
        if bootstraps > 0 {
            try c.encode(bootstraps, forKey: .bootstraps)
            try c.encode(bootstrapRotations, forKey: .bootstrapRotations)
            try c.encode(bootstrapMultiplies, forKey: .bootstrapMultiplies)
        }
    }
}
