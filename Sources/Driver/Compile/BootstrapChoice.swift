internal import HepexcCKKS
internal import HepexcExecutor
public import HepexcPasses
public import HepexcPlan

/// `compile --bootstrap`: whether the compiler may place bootstrap steps.
public enum BootstrapMode: String, CaseIterable, Sendable {
    /// Only when the model is deeper than any leveled 128-bit chain holds
    /// (or deeper than `--bootstrap-levels`).
    case auto
    /// Never: a model too deep for the chain is an error, as before.
    case off
}

/// The runtime's side of the placement pass: bootstrap settings for the
/// ring, and, once the pass has placed bootstraps, the rotation keys they
/// need (computed by `HepexcCKKS`, which the compiler does not import).
public enum BootstrapChoice {
    /// The worst-slot precision of one bootstrap at the default settings
    /// (sparse-secret encapsulation), measured and rounded down with margin
    /// (docs/benchmarks.md, "CKKS bootstrapping": 21.8 bits worst at N = 2^16
    /// over [−1, 1]; the small test rings measure above 20 too).
    public static let precisionBits = 20.0

    /// The pass's bootstrap options for `mode`: the runtime's standard
    /// settings at N = 2^16 (or the insecure test ring), q₀/Δ of 2^5 for full
    /// slots at N = 2^16 and 2^10 on small rings (their coefficients are
    /// larger against the sine's curvature, BootstrapParameters), times the
    /// largest value a bootstrap refreshes (the pass).
    public static func options(_ mode: BootstrapMode, insecureLogN: Int?, levelsAfter: Int?) -> BootstrapOptions? {
        guard mode == .auto else { return nil }
        let logN = insecureLogN ?? 16
        // The runtime's default: sparse-secret encapsulation (h = 32, K = 16);
        // the step carries the weight, the client's .evalkeys the keys.
        let settings = BootstrapParameters.standard(logN: logN)
        let step = BootstrapStep(name: "bootstrap", slots: settings.slots, modulusRange: settings.modulusRange,
                                 doubleAngles: settings.doubleAngles, chebyshevDegree: settings.chebyshevDegree,
                                 coeffToSlotLevels: settings.coeffToSlotLevels, slotToCoeffLevels: settings.slotToCoeffLevels,
                                 rotationSteps: [], precisionBits: precisionBits,
                                 ephemeralSecretWeight: settings.ephemeralSecretWeight)
        // Small rings keep q₀ at 60 bits or less with their larger ratio
        // by a 2^45 scale, leaving room for values up to 2^5.
        return BootstrapOptions(logN: logN, step: step, levelsAfter: levelsAfter, logScale: logN >= 15 ? 50 : 45,
                                messageRatio: logN >= 15 ? 5 : 10)
    }
}

extension Plan {
    /// A compiled plan with bootstrap steps completed by the runtime: the
    /// rotation steps of its bootstraps, the special primes the runtime
    /// chose (128-bit security checked), validated again.
    /// - Throws: `DriverError` when the runtime rejects the chain.
    func completingBootstraps() throws(DriverError) -> Plan {
        try completingBootstraps(parameters: { literal throws in try CKKSParameters(literal) },
                                 rotationSteps: { settings, _, parameters throws in
                                     try BootstrapStep.rotationSteps(settings, parameters: parameters)
                                 },
                                 validate: true)
    }

    /// ``completingBootstraps()`` with the runtime's parameter sets and
    /// bootstrap rotation steps from `parameters` and `rotationSteps`
    /// (memoised for `--tile auto`'s candidates), validated unless `validate`
    /// is false (a plan skeleton: ``PlanSkeleton``).
    func completingBootstraps(parameters makeParameters: (CKKSParameters.Literal) throws -> CKKSParameters,
                              rotationSteps: (BootstrapParameters, CKKSParameters.Literal, CKKSParameters) throws -> [Int],
                              validate: Bool) throws(DriverError) -> Plan {
        guard let first = bootstrapSteps.first else { return self }
        var plan = self
        do {
            let parameters = try makeParameters(self.parameters.literal)
            let steps = try rotationSteps(first.runtimeParameters, self.parameters.literal, parameters)
            plan.parameters.logP = parameters.literal.logP
            plan.parameters.digits = parameters.digitCount
            plan.layers = layers.map { layer in
                guard case .bootstrap(var step) = layer else { return layer }
                step.rotationSteps = steps
                return .bootstrap(step)
            }
            plan.rotationSteps = Plan.rotationSteps(for: plan.layers, tile: tile)
            if validate { try plan.validate() }
        } catch let error as PlanError {
            throw .execution("internal: the bootstrapped plan does not validate: \(error)")
        } catch {
            throw DriverError(error)
        }
        return plan
    }
}
