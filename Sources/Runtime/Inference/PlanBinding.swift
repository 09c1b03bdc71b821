public import HepexcCKKS
public import HepexcPlan
internal import HepexcExecutor
internal import HepexcRing

/// A plan with what both parties derive from it: validated CKKS parameters,
/// their context, and the two hashes every artifact is bound to.
public struct PlanBinding: Sendable, Equatable {
    /// `CKKSParameters.parameterHash` of the plan's parameters.
    public let parameterHash: UInt64
    /// FNV-1a-64 of the plan's canonical bytes (`Plan.serialized()`): another
    /// plan with the same parameters (another layout or other rotations) differs.
    public let planHash: UInt64

    public init(parameterHash: UInt64, planHash: UInt64) {
        self.parameterHash = parameterHash
        self.planHash = planHash
    }
}

/// The plan, its validated parameters and CKKS context, and its binding:
/// built once per plan by the client and by the server.
public struct PreparedPlan: Sendable {
    public let plan: Plan
    public let context: CKKSContext
    public let binding: PlanBinding

    /// - Parameters: `threads` limb-level worker threads of the context.
    /// - Throws: `InferenceError.runtime` for parameters the runtime rejects
    ///   (below 128-bit security unless the plan was compiled insecure).
    public init(_ plan: Plan, threads: Int = 1) throws(InferenceError) {
        let parameters: CKKSParameters
        do { parameters = try CKKSParameters(plan.parameters.literal) } catch { throw InferenceError.wrapping(error) }
        let bytes: [UInt8]
        do { bytes = Array(try plan.serialized()) } catch { throw InferenceError.wrapping(error) }
        self.plan = plan
        self.context = CKKSContext(parameters: parameters, threads: max(1, threads))
        self.binding = PlanBinding(parameterHash: parameters.parameterHash, planHash: WordHash.fnv1a(bytes: bytes))
    }

    /// The Galois elements of the plan's rotations (the keys the server
    /// needs), with complex conjugation when the plan bootstraps.
    public var galoisElements: Set<Int> {
        let degree = context.parameters.degree
        let rotations = Set(plan.rotationSteps.map { Automorphism.rotationElement(steps: $0, degree: degree) }).subtracting([1])
        return plan.bootstraps ? rotations.union([Automorphism.conjugationElement(degree: degree)]) : rotations
    }

    /// The highest level at which each of ``galoisElements`` is used (``Plan/galoisElementLevels(degree:)``).
    public var galoisKeyLevels: [Int: Int] { plan.galoisElementLevels(degree: context.parameters.degree) }
}
