import HepexcModArith
import HepexcRing

/// CKKS bootstrapping: refreshes a ciphertext at a low level into one at
/// `levelAfter` levels with the same message (Cheon–Han–Kim–Kim–Song 2018).
///
/// 1. **ModRaise.** `(c_0, c_1) mod q_0` lifted to the whole chain: the plaintext becomes
///    `m + q_0·I` with a small integer polynomial I. With sparse-secret encapsulation the
///    ciphertext is first switched to an ephemeral secret of weight h (over q_0·p_0), lifted
///    under it (|I| ≤ (h + 1)/2) and switched back at the top. Sparse slots then take the trace over
///    the rotations by n, 2n, …, N/4 (after multiplying by g⁻¹ mod Q, g = N/2n), which
///    removes I's coefficients outside the packing.
/// 2. **CoeffToSlot.** The inverse special FFT, factored into a few levels
///    (`HomomorphicDFT`), evaluated with baby-step giant-step and hoisted rotations,
///    puts the coefficients `(m + q_0·I)/(q_0·K)` into the slots (bit-reversed order).
///    A conjugation separates real and imaginary parts: two ciphertexts for full slots,
///    one of doubled period for sparse slots.
/// 3. **EvalMod.** sin(2πx)/(2π) ≈ m/q_0 on each (`EvalMod`).
/// 4. **SlotToCoeff.** The special FFT back, with the factor q_0/(2π·Δ) folded in.
///
/// Needs the relinearization key, the conjugation key, the rotations of
/// `Bootstrapper.rotationSteps(for:parameters:)` and, when `ephemeralSecretWeight` is set, the
/// encapsulation keys; the plaintexts of the linear transforms are encoded once, here.
public final class Bootstrapper: Sendable {
    public let context: CKKSContext
    public let parameters: BootstrapParameters
    let evaluator: Evaluator
    /// The encoded linear transforms (key-independent, shareable: ``BootstrapTransforms``).
    public let transforms: BootstrapTransforms
    let evalMod: EvalMod
    /// The keys of sparse-secret encapsulation (nil: ModRaise under the dense secret).
    let encapsulation: EncapsulationKeys?

    var coeffToSlot: [EncodedTransform] { transforms.coeffToSlot }
    var slotToCoeff: [EncodedTransform] { transforms.slotToCoeff }
    /// Level after CoeffToSlot and the scale change (EvalMod's input level).
    var evalModLevel: Int { transforms.evalModLevel }

    /// The level of a bootstrapped ciphertext.
    public var levelAfter: Int { context.parameters.maxLevel - parameters.depth }
    /// Bytes of the encoded linear-transform plaintexts.
    public var plaintextBytes: Int { transforms.plaintextBytes }

    /// The rotation steps whose Galois keys bootstrapping needs (plus conjugation).
    /// - Throws: `bootstrapNotPossible` if `bootstrap` does not fit `parameters`.
    public static func rotationSteps(for bootstrap: BootstrapParameters, parameters: CKKSParameters) throws -> [Int] {
        try bootstrap.validate(for: parameters)
        let (cts, stc) = matrices(bootstrap, parameters)
        var steps = Set<Int>()
        for matrix in cts + stc { steps.formUnion(EncodedTransform.rotations(matrix)) }
        var k = bootstrap.slots
        while k < parameters.slotCount { steps.insert(k); k *= 2 }
        return steps.sorted()
    }

    static func matrices(_ b: BootstrapParameters, _ p: CKKSParameters) -> ([SlotMatrix], [SlotMatrix]) {
        let q0 = Double(p.ciphertextModuli[0])
        let constant = q0 / (2 * Double.pi * p.defaultScale)
        return (HomomorphicDFT.coeffToSlot(slots: b.slots, levels: b.coeffToSlotLevels, ringSlots: p.slotCount),
                HomomorphicDFT.slotToCoeff(slots: b.slots, levels: b.slotToCoeffLevels, ringSlots: p.slotCount,
                                           constant: constant))
    }

    /// Validates the parameters and keys and encodes the linear transforms.
    /// - Parameter encapsulationKeys: from `KeyGenerator.encapsulationKeys(hammingWeight:)`;
    ///   required exactly when `parameters.ephemeralSecretWeight` is set.
    /// - Throws: `bootstrapNotPossible` (parameters that cannot hold a bootstrap, a missing key).
    public convenience init(context: CKKSContext, parameters: BootstrapParameters, evaluator: Evaluator,
                            encapsulationKeys: EncapsulationKeys? = nil) throws {
        try Self.checkKeys(context: context, parameters: parameters, evaluator: evaluator, encapsulationKeys: encapsulationKeys,
                           rotationSteps: Self.rotationSteps(for: parameters, parameters: context.parameters))
        try self.init(transforms: BootstrapTransforms(context: context, parameters: parameters), evaluator: evaluator,
                      encapsulationKeys: encapsulationKeys)
    }

    /// A bootstrapper over already encoded transforms (built once, shared by
    /// every key owner: a server's clients) with one owner's keys; no encoding.
    /// - Throws: `bootstrapNotPossible` for a missing key, `parameterMismatch` for keys of other parameters.
    public init(transforms: BootstrapTransforms, evaluator: Evaluator, encapsulationKeys: EncapsulationKeys? = nil) throws {
        let context = transforms.context, parameters = transforms.parameters
        try Self.checkKeys(context: context, parameters: parameters, evaluator: evaluator, encapsulationKeys: encapsulationKeys,
                           rotationSteps: transforms.rotationSteps)
        self.encapsulation = parameters.ephemeralSecretWeight == nil ? nil : encapsulationKeys
        self.context = context
        self.parameters = parameters
        self.evaluator = evaluator
        self.transforms = transforms
        self.evalMod = EvalMod(evaluator: evaluator, inputLevel: transforms.evalModLevel, parameters: parameters)
    }

    /// Checks that `evaluator` and `encapsulationKeys` hold every key bootstrapping with
    /// `parameters` needs (relinearization, conjugation, the rotations, encapsulation).
    static func checkKeys(context: CKKSContext, parameters: BootstrapParameters, evaluator: Evaluator,
                          encapsulationKeys: EncapsulationKeys?, rotationSteps: [Int]) throws {
        let params = context.parameters
        try parameters.validate(for: params)
        guard evaluator.context.parameters.parameterHash == params.parameterHash else { throw HEError.parameterMismatch }
        guard evaluator.relinearizationKey != nil else {
            throw HEError.bootstrapNotPossible("no relinearization key (EvalMod multiplies ciphertexts)")
        }
        let n = params.degree
        let held = Set(evaluator.galoisKeys?.galoisElements ?? [])
        guard held.contains(Automorphism.conjugationElement(degree: n)) else {
            throw HEError.bootstrapNotPossible("no conjugation key: generate Galois keys with conjugation: true")
        }
        for step in rotationSteps
        where !held.contains(Automorphism.rotationElement(steps: step, degree: n)) {
            throw HEError.bootstrapNotPossible("no Galois key for rotation by \(step); generate keys for "
                + "Bootstrapper.rotationSteps(for:parameters:)")
        }
        if let h = parameters.ephemeralSecretWeight {
            guard let keys = encapsulationKeys else {
                throw HEError.bootstrapNotPossible("no encapsulation keys for the weight-\(h) ephemeral secret: generate "
                    + "them with KeyGenerator.encapsulationKeys(hammingWeight: \(h))")
            }
            guard keys.parameterHash == params.parameterHash else { throw HEError.parameterMismatch }
            guard keys.hammingWeight == h else {
                throw HEError.bootstrapNotPossible("the encapsulation keys are for weight \(keys.hammingWeight), "
                    + "the parameters ask for \(h)")
            }
        }
    }

    /// Bootstraps `ciphertext` (any level, size 2): the same message at `levelAfter`, with
    /// the input's scale.
    /// - Throws: `invalidCiphertextSize`; `bootstrapNotPossible` for a scale too close to q_0
    ///   or another parameter set.
    public func bootstrap(_ ciphertext: Ciphertext) throws -> Ciphertext {
        let params = context.parameters
        guard ciphertext.polys[0].context.degree == params.degree else { throw HEError.parameterMismatch }
        try evaluator.checkSize(ciphertext, 2)
        let q0 = Double(params.ciphertextModuli[0])
        guard ciphertext.scale.isFinite, ciphertext.scale > 0, ciphertext.scale * 16 <= q0 else {
            throw HEError.bootstrapNotPossible("the input scale 2^\(log2(ciphertext.scale)) must be at most q_0/16 "
                + "= 2^\(log2(q0 / 16)); rescale it first")
        }
        var ct = try modRaise(ciphertext)
        let raisedScale = ct.scale
        for transform in coeffToSlot { ct = try transform.apply(ct, evaluator: evaluator) }
        ct.scale = parameters.scaleChangeLevels == 0 ? evalMod.scales[evalModLevel] : raisedScale
        var parts: [Ciphertext]
        if parameters.slots == params.slotCount {
            let imaginary = try multiplyByI(ct, power: 3)
            parts = [try evaluator.add(ct, evaluator.conjugate(ct)),
                     try evaluator.add(imaginary, evaluator.conjugate(imaginary))]
        } else {
            parts = [try evaluator.add(ct, evaluator.conjugate(ct))]
        }
        parts = try parts.map { try evalMod.apply(parameters.scaleChangeLevels == 0 ? $0 : lowerToEvalMod($0)) }
        let stcLevel = slotToCoeff.first?.level ?? 0
        for (i, part) in parts.enumerated() where part.level != stcLevel {
            guard part.level > stcLevel else {
                throw HEError.bootstrapNotPossible("internal: EvalMod ended at level \(part.level), below \(stcLevel)")
            }
            parts[i] = try evaluator.dropLevel(part, to: stcLevel)
        }
        guard var result = parts.first else { throw HEError.bootstrapNotPossible("internal: no EvalMod output") }
        if parts.count == 2 { result = try evaluator.add(result, multiplyByI(parts[1], power: 1)) }
        for transform in slotToCoeff { result = try transform.apply(result, evaluator: evaluator) }
        result.scale = ciphertext.scale
        return result
    }

    /// One multiplication by 1 at the exact scale and a rescale: from q_0·K to EvalMod's Δ.
    func lowerToEvalMod(_ ct: Ciphertext) throws -> Ciphertext {
        let q = Double(context.parameters.ciphertextModuli[ct.level])
        let target = evalMod.scales[evalModLevel]
        var result = try evaluator.rescale(evaluator.multiply(ct, constant: 1, scale: (target * q / ct.scale).rounded()))
        guard result.level == evalModLevel else {
            throw HEError.bootstrapNotPossible("internal: EvalMod input at level \(result.level), expected \(evalModLevel)")
        }
        result.scale = target
        return result
    }

    /// `ct · i^power` in every slot: multiplication by the monomial X^(power·N/2), exact.
    func multiplyByI(_ ct: Ciphertext, power: Int) throws -> Ciphertext {
        let ring = ct.polys[0].context
        let n = ring.degree
        var coefficients = [Int64](repeating: 0, count: n)
        // i = X^(N/2); i³ = −i = −X^(N/2).
        coefficients[n / 2] = power % 4 == 1 ? 1 : -1
        let monomial = Plaintext(poly: Poly<Coeff>(context: ring, signedCoefficients: coefficients).forwardNTT(), scale: 1)
        return try evaluator.multiply(ct, monomial)
    }

    /// ModRaise (and, for sparse slots, the trace onto the packing): a ciphertext at the top
    /// level whose slots, read at scale q_0·K, are the coefficients' (m + q_0·I)/(q_0·K).
    /// With encapsulation keys the lift runs under the ephemeral sparse secret.
    func modRaise(_ ciphertext: Ciphertext) throws -> Ciphertext {
        let params = context.parameters
        let bottom = try evaluator.dropLevel(ciphertext, to: 0)
        let top = context.levels[params.maxLevel]
        let q0 = params.ciphertextModuli[0]
        let signed: [[Int64]]
        if let encapsulation {
            let (c0, c1) = try encapsulation.switchToSparse(bottom, context: context)
            signed = [c0, c1]
        } else {
            signed = bottom.polys.map { poly in
                poly.inverseNTT().data.map { $0 > q0 / 2 ? Int64(bitPattern: $0 &- q0) : Int64(bitPattern: $0) }
            }
        }
        let polys = signed.map { Poly<Coeff>(context: top, signedCoefficients: $0).forwardNTT() }
        var ct = Ciphertext(polys: polys, scale: Double(q0) * Double(parameters.modulusRange))
        if let encapsulation { ct = encapsulation.switchToDense(ct, context: context) }
        if parameters.slots < params.slotCount {
            let g = UInt64(params.slotCount / parameters.slots)
            let inverses = top.moduli.map { $0.inverseMod($0.reduce(g)) }
            for i in 0..<ct.size { ct.polys[i].multiply(byConstants: inverses) }
            var step = parameters.slots
            while step < params.slotCount {
                ct = try evaluator.add(ct, evaluator.rotate(ct, by: step))
                step *= 2
            }
        }
        return ct
    }
}
