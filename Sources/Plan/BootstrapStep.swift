/// "Bootstrap every live ciphertext here": a plan step that refreshes each
/// ciphertext tile to ``Plan/levelAfterBootstrap`` levels with the same
/// values (CKKS bootstrapping: ModRaise, CoeffToSlot, EvalMod, SlotToCoeff).
///
/// The settings mirror the runtime's `BootstrapParameters` (this target
/// imports nothing); the executor rebuilds them, checks them against the
/// chain, and bootstraps. Tiles known in the clear are not touched.
public struct BootstrapStep: Sendable, Codable, Equatable {
    public var name: String
    /// Slots of the packing (N/2 for the full-slot packing plans use).
    public var slots: Int
    /// Bound K on the ModRaise overflow that EvalMod is accurate over.
    public var modulusRange: Int
    /// Double-angle steps r of EvalMod.
    public var doubleAngles: Int
    /// Degree of EvalMod's Chebyshev interpolant (2^k − 1).
    public var chebyshevDegree: Int
    public var coeffToSlotLevels: Int
    public var slotToCoeffLevels: Int
    /// The rotation steps whose Galois keys the bootstrap needs (it also
    /// needs the conjugation key), as the runtime computed them at compile
    /// time; the executor checks them again.
    public var rotationSteps: [Int]
    /// −log2 of the error a bootstrap adds, relative to the largest value it
    /// refreshes (measured at the compiled parameters; the error estimate and
    /// the simulated backend use it).
    public var precisionBits: Double
    /// Sparse-secret encapsulation: the Hamming weight h of the ephemeral
    /// secret ModRaise runs under (the runtime's `ephemeralSecretWeight`; the
    /// client's `.evalkeys` then carry the encapsulation keys), or nil to raise
    /// under the dense secret. Absent from plans written before it existed.
    public var ephemeralSecretWeight: Int?

    public init(name: String, slots: Int, modulusRange: Int, doubleAngles: Int, chebyshevDegree: Int,
                coeffToSlotLevels: Int, slotToCoeffLevels: Int, rotationSteps: [Int], precisionBits: Double,
                ephemeralSecretWeight: Int? = nil) {
        self.name = name
        self.slots = slots
        self.modulusRange = modulusRange
        self.doubleAngles = doubleAngles
        self.chebyshevDegree = chebyshevDegree
        self.coeffToSlotLevels = coeffToSlotLevels
        self.slotToCoeffLevels = slotToCoeffLevels
        self.rotationSteps = rotationSteps
        self.precisionBits = precisionBits
        self.ephemeralSecretWeight = ephemeralSecretWeight
    }

    /// Levels of EvalMod: the Chebyshev evaluation, one for its
    /// coefficients, and the double-angle squarings (as the runtime counts).
    public var evalModDepth: Int { (chebyshevDegree &+ 1).trailingZeroBitCount + 1 + doubleAngles }
    /// Levels one bootstrap consumes from the top of the chain.
    /// (the runtime's count: the scale-change level after CoeffToSlot only for K > 32).
    public var depth: Int { coeffToSlotLevels + (modulusRange > 32 ? 1 : 0) + evalModDepth + slotToCoeffLevels }

    /// Homomorphic operations of one bootstrap of one ciphertext, for op
    /// counts: a coarse model (the runtime's linear transforms decide the
    /// exact numbers), counted as `bootstraps` and their key switches.
    public var rotationsPerCiphertext: Int { rotationSteps.count + 2 }
    /// ct × ct products of EvalMod per ciphertext (full slots evaluate it on
    /// the real and the imaginary part).
    public var multipliesPerCiphertext: Int {
        let babySteps = 1 << (((chebyshevDegree &+ 1).trailingZeroBitCount + 1) / 2)
        let giantSteps = (chebyshevDegree &+ 1) / max(babySteps, 1)
        return 2 * (babySteps + giantSteps + doubleAngles)
    }
}
