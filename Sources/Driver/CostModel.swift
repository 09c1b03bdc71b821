public import HepexcPlan

/// Per-operation costs used to estimate latency (and to choose tile shapes),
/// in seconds at N = 2^14 with 4 ciphertext primes, scaled by N·limbs for
/// other sizes. Defaults measured with `hepexc bench ckks --logn 14 --limbs 4
/// --special 1` (one thread) on the reference machine (2-core Zen 3); see
/// docs/benchmarks.md.
public struct CostModel: Sendable, Codable, Equatable {
    public var plainMultiply: Double
    public var cipherMultiply: Double
    public var constantMultiply: Double
    public var addition: Double
    public var rotation: Double
    public var rescale: Double

    public static let `default` = CostModel(plainMultiply: 0.00024, cipherMultiply: 0.0056, constantMultiply: 0.00012,
                                            addition: 0.000075, rotation: 0.0076, rescale: 0.0017)

    public func seconds(_ ops: OpCounts, logN: Int, limbs: Int) -> Double {
        let factor = Double(1 << logN) * Double(limbs) / Double((1 << 14) * 4)
        let total = Double(ops.plainMultiplies + ops.maskMultiplies) * plainMultiply
            + Double(ops.cipherMultiplies) * cipherMultiply
            + Double(ops.constantMultiplies) * constantMultiply
            + Double(ops.additions + ops.plainAdditions) * addition
            + Double(ops.rotations) * rotation
            + Double(ops.rescales) * rescale
        return total * factor
    }
}
