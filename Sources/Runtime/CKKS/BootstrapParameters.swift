/// How a ciphertext is bootstrapped: slot count, the EvalMod approximation and the
/// level budget of the two linear transforms.
///
/// Levels consumed (from the top of the chain): `coeffToSlotLevels`, `scaleChangeLevels`
/// (one level that brings the scale from q_0·K down to EvalMod's when K > 32), `evalModDepth`
/// = log2(chebyshevDegree + 1) + 1 + `doubleAngles`, then `slotToCoeffLevels`; what remains
/// below is left for the application.
public struct BootstrapParameters: Sendable, Hashable, Codable {
    /// Slots of the packing: N/2 (full) or a smaller power of two (sparse: the input's slots
    /// repeat with this period).
    public var slots: Int
    /// Bound K on |I + m/q_0| after ModRaise (I is the integer overflow of `c_0 + c_1·s`):
    /// EvalMod is accurate on [−K, K]. A uniform ternary secret needs about 8.5 standard
    /// deviations of `√(h/12)`, h ≈ 2N/3 (OpenFHE uses 512 at N = 2^16).
    public var modulusRange: Int
    /// Double-angle steps r: EvalMod interpolates cos(2π(x − 1/4)/2^r), then squares r times.
    public var doubleAngles: Int
    /// Degree of the Chebyshev interpolant (2^k − 1).
    public var chebyshevDegree: Int
    /// Levels of CoeffToSlot (groups of butterfly stages).
    public var coeffToSlotLevels: Int
    /// Levels of SlotToCoeff.
    public var slotToCoeffLevels: Int
    /// Sparse-secret encapsulation: the Hamming weight h of the ephemeral secret that ModRaise
    /// runs under (|I| ≤ (h + 1)/2, so K = h/2 suffices), or `nil` to raise under the dense
    /// secret itself. Needs `KeyGenerator.encapsulationKeys(hammingWeight:)`.
    public var ephemeralSecretWeight: Int?

    public init(slots: Int, modulusRange: Int = 512, doubleAngles: Int = 4, chebyshevDegree: Int = 255,
                coeffToSlotLevels: Int = 3, slotToCoeffLevels: Int = 3, ephemeralSecretWeight: Int? = nil) {
        self.slots = slots
        self.modulusRange = modulusRange
        self.doubleAngles = doubleAngles
        self.chebyshevDegree = chebyshevDegree
        self.coeffToSlotLevels = coeffToSlotLevels
        self.slotToCoeffLevels = slotToCoeffLevels
        self.ephemeralSecretWeight = ephemeralSecretWeight
    }

    /// Levels EvalMod consumes: the Chebyshev evaluation (baby-step giant-step, one level
    /// above log2(degree + 1) for the coefficients) and the double-angle squarings.
    public var evalModDepth: Int { (chebyshevDegree + 1).trailingZeroBitCount + 1 + doubleAngles }
    /// The level between CoeffToSlot and EvalMod that lowers the scale from q_0·K (≈ 2^64 for
    /// K = 512) to EvalMod's: 1 for K > 32. With K ≤ 32 (q_0·K ≤ 2^60 for q_0 ≤ 2^55) the last
    /// CoeffToSlot factor lands on EvalMod's scale directly and the level is saved.
    public var scaleChangeLevels: Int { modulusRange > 32 ? 1 : 0 }
    /// Levels one bootstrap consumes.
    public var depth: Int { coeffToSlotLevels + scaleChangeLevels + evalModDepth + slotToCoeffLevels }

    /// Checks these settings against a parameter set.
    /// - Throws: `HEError.bootstrapNotPossible` naming the first problem.
    public func validate(for parameters: CKKSParameters) throws {
        func fail(_ reason: String) -> HEError { HEError.bootstrapNotPossible(reason) }
        let ringSlots = parameters.slotCount
        guard slots >= 2, slots <= ringSlots, slots & (slots - 1) == 0 else {
            throw fail("slots must be a power of two in 2…\(ringSlots), got \(slots)")
        }
        let stages = slots.trailingZeroBitCount
        guard (1...stages).contains(coeffToSlotLevels), (1...stages).contains(slotToCoeffLevels) else {
            throw fail("CoeffToSlot and SlotToCoeff levels must be in 1…\(stages) for \(slots) slots")
        }
        guard chebyshevDegree >= 7, (chebyshevDegree + 1) & chebyshevDegree == 0 else {
            throw fail("the Chebyshev degree must be 2^k − 1 ≥ 7, got \(chebyshevDegree)")
        }
        guard modulusRange >= 1, (0...20).contains(doubleAngles) else {
            throw fail("modulusRange must be ≥ 1 and doubleAngles in 0…20")
        }
        guard parameters.maxLevel >= depth else {
            throw fail("bootstrapping needs \(depth) levels (CoeffToSlot \(coeffToSlotLevels) + \(scaleChangeLevels) + EvalMod "
                + "\(evalModDepth) + SlotToCoeff \(slotToCoeffLevels)) but the chain has \(parameters.maxLevel); "
                + "use more ciphertext primes (see CKKSParameters.Literal.bootstrappable)")
        }
        if let h = ephemeralSecretWeight {
            guard (1...(parameters.degree / 2)).contains(h) else {
                throw fail("the ephemeral secret's Hamming weight must be in 1…\(parameters.degree / 2), got \(h)")
            }
            guard 2 * modulusRange >= h else {
                throw fail("K = \(modulusRange) is below h/2 = \(h / 2): ModRaise under a weight-\(h) secret "
                    + "overflows by up to (h + 1)/2")
            }
            guard parameters.specialModuli.count >= 1 else { throw fail("encapsulation needs a special prime") }
        }
        let q0 = Double(parameters.ciphertextModuli[0])
        guard q0 >= parameters.defaultScale * 16 else {
            throw fail("q_0 must be at least 2^4 times the scale (sin(2πx)/2π ≈ x needs a small message)")
        }
    }
}

extension CKKSParameters.Literal {
    /// A chain that holds one bootstrap: q_0 of `logScale` + `logMessageRatio` bits, `levelsAfter`
    /// application primes of `logScale` bits, SlotToCoeff primes of `logScale` bits, then 60-bit
    /// EvalMod, scale-change and CoeffToSlot primes at the top (consumed first). Key switching
    /// is chosen automatically.
    /// `logMessageRatio` is log2(q_0/Δ) (at least 4): the output error is EvalMod's times q_0/Δ, so
    /// 5 suits full slots at N = 2^16 (coefficients ≈ 2^−8 of the slot values); fewer slots have
    /// larger coefficients and need a larger ratio against the sine's curvature (10 for 64–512 slots).
    public static func bootstrappable(logN: Int, levelsAfter: Int, bootstrap: BootstrapParameters,
                                      logScale: Int = 50, logMessageRatio: Int = 5, insecure: Bool = false) -> Self {
        let logQ = [min(60, logScale + logMessageRatio)] + Array(repeating: logScale, count: levelsAfter + bootstrap.slotToCoeffLevels)
            + Array(repeating: 60, count: bootstrap.evalModDepth + bootstrap.scaleChangeLevels + bootstrap.coeffToSlotLevels)
        return Self(logN: logN, logQ: logQ, logScale: logScale, insecure: insecure)
    }

    /// The default bootstrapping parameters: N = 2^16, full slots, uniform ternary secret with
    /// sparse-secret encapsulation (h = 32), 4 levels left after each bootstrap; 128-bit secure
    /// under the HE standard (≤ 1747 bits; the ephemeral secret only meets q_0·p_0, docs/ckks.md).
    public static var bootstrapN16: Self {
        bootstrappable(logN: 16, levelsAfter: 4, bootstrap: .standard(logN: 16))
    }
}

extension BootstrapParameters {
    /// Settings for ring degree 2^logN. By default with sparse-secret encapsulation (h = 32,
    /// as Lattigo): |I| ≤ 16, so K = 16, and the cosine over [−16, 16] needs only 2 double
    /// angles after a degree-63 interpolant (accurate to 2^−42; depth 9 instead of 13), and the
    /// scale-change level disappears: depth 15 instead of 20 at full slots.
    ///
    /// With `sparseSecretEncapsulation: false` ModRaise runs under the uniform ternary secret:
    /// K the power of two at or above 8 standard deviations of I (σ = √(h/12), h = 2N/3
    /// nonzero secret coefficients), r such that the interpolated cosine spans about 32 periods
    /// (K/2^r = 32, degree 255: accurate to about 2^−42 in double precision). Few double angles
    /// keep the noise they amplify (up to 4× each) small.
    public static func standard(logN: Int, slots: Int? = nil, sparseSecretEncapsulation: Bool = true) -> BootstrapParameters {
        let ringSlots = 1 << max(0, logN - 1)
        let slotCount = slots ?? ringSlots
        let stages = max(1, slotCount.trailingZeroBitCount)
        if sparseSecretEncapsulation {
            return BootstrapParameters(slots: slotCount, modulusRange: 16, doubleAngles: 2, chebyshevDegree: 63,
                                       coeffToSlotLevels: min(3, stages), slotToCoeffLevels: min(3, stages),
                                       ephemeralSecretWeight: 32)
        }
        let n = Double(1 << logN)
        let sigma = (n * 2 / 3 / 12).squareRoot()
        var k = 1
        while Double(k) < 8 * sigma { k *= 2 }
        let r = max(0, k.trailingZeroBitCount - 5)
        return BootstrapParameters(slots: slotCount, modulusRange: k, doubleAngles: r, chebyshevDegree: 255,
                                   coeffToSlotLevels: min(3, stages), slotToCoeffLevels: min(3, stages))
    }
}
