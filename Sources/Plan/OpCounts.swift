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
        return product
    }

    public var description: String {
        "ct×pt \(plainMultiplies), mask \(maskMultiplies), ct×ct \(cipherMultiplies), ct×c \(constantMultiplies), "
            + "add \(additions), add-pt \(plainAdditions), rot \(rotations), rescale \(rescales), drop \(levelDrops)"
    }
}
