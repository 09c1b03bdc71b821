/// The key-independent part of a ``Bootstrapper``: the CoeffToSlot and SlotToCoeff
/// transforms encoded as plaintexts (about 2 GiB at N = 2^16, full slots) and the rotation
/// steps they use. They depend only on the parameters and the bootstrap settings, so one
/// value serves every key owner: a server builds it once per plan and makes each client's
/// bootstrapper from it with `Bootstrapper(transforms:evaluator:encapsulationKeys:)`.
public final class BootstrapTransforms: Sendable {
    public let context: CKKSContext
    public let parameters: BootstrapParameters
    let coeffToSlot: [EncodedTransform]
    let slotToCoeff: [EncodedTransform]
    /// Level after CoeffToSlot and the scale change (EvalMod's input level).
    let evalModLevel: Int
    /// The rotations the transforms (and, for sparse slots, the trace) use.
    public let rotationSteps: [Int]

    /// Bytes of the encoded linear-transform plaintexts.
    public var plaintextBytes: Int { (coeffToSlot + slotToCoeff).reduce(0) { $0 + $1.byteCount } }

    /// Validates the settings against the context's parameters and encodes the transforms.
    /// - Throws: `bootstrapNotPossible` for parameters that cannot hold a bootstrap.
    public init(context: CKKSContext, parameters: BootstrapParameters) throws {
        let params = context.parameters
        self.rotationSteps = try Bootstrapper.rotationSteps(for: parameters, parameters: params)
        self.context = context
        self.parameters = parameters
        let encoder = CKKSEncoder(context: context)
        let (cts, stc) = Bootstrapper.matrices(parameters, params)
        let q = params.ciphertextModuli.map { Double($0) }
        let top = params.maxLevel
        let evalModLevel = top - parameters.coeffToSlotLevels - parameters.scaleChangeLevels
        self.evalModLevel = evalModLevel
        let evalModScales = EvalMod.scales(moduli: params.ciphertextModuli, inputLevel: evalModLevel)
        // CoeffToSlot keeps the scale q_0·K (≈ 2^64 for K = 512): the conjugation's key-switching
        // noise is then negligible next to t, which EvalMod multiplies by 2πK. Without a
        // scale-change level (K ≤ 32) the last factor lands on EvalMod's scale instead.
        let raisedScale = q[0] * Double(parameters.modulusRange)
        var encoded: [EncodedTransform] = []
        for (i, matrix) in cts.enumerated() {
            let level = top - i
            let last = i == cts.count - 1 && parameters.scaleChangeLevels == 0
            let scale = last ? evalModScales[evalModLevel] * q[level] / raisedScale : q[level]
            encoded.append(try EncodedTransform(matrix, level: level, scale: scale, encoder: encoder))
        }
        self.coeffToSlot = encoded
        // SlotToCoeff keeps EvalMod's output scale, except the last factor, which lands on Δ.
        let stcLevel = evalModLevel - parameters.evalModDepth
        let evalModOut = evalModScales[stcLevel]
        encoded = []
        for (i, matrix) in stc.enumerated() {
            let level = stcLevel - i
            let scale = i == stc.count - 1 ? params.defaultScale * q[level] / evalModOut : q[level]
            encoded.append(try EncodedTransform(matrix, level: level, scale: scale, encoder: encoder))
        }
        self.slotToCoeff = encoded
    }
}
