public import HepexcCKKS
public import HepexcExecutor
public import HepexcPlan

/// Server-side CKKS bootstrapping for `RefreshMode.bootstrap`: how the
/// ``LeveledEvaluator`` refreshes a ciphertext that runs out of levels
/// without asking the client.
///
/// `run` is the raw bootstrap: the same message at ``levelAfter`` with the
/// input's scale (the CKKS `Bootstrapper`, with sparse-secret encapsulation
/// by default, or the simulated backend's model of it). The evaluator wraps
/// it (`LeveledEvaluator+Bootstrap.swift`): it multiplies by 1/B on the way
/// in (landing on the scale Δ of ``levelAfter``), bootstraps, and multiplies
/// by the integer B on the way out, so the result sits exactly on the
/// evaluator's scale ladder and the bootstrap only ever sees |values| ≤ 1.
public struct TrainingBootstrap<Ciphertext: Sendable>: Sendable {
    /// The bootstrapping settings.
    public let settings: BootstrapParameters
    /// The level of a bootstrapped ciphertext: the training's top level
    /// (fresh encryptions go there too; the levels above are the bootstrap's).
    public let levelAfter: Int
    /// B, a power of two: the default bound on the magnitude of a value a
    /// refresh bootstraps (weights, velocity, gradient). Call sites that know
    /// a tighter or wider bound (the softmax's inverses) pass their own.
    public let bound: Double
    /// The op-count model of one bootstrap (`OpCounts.bootstraps` and its
    /// key switches and products).
    public let step: BootstrapStep
    let run: @Sendable (Ciphertext) throws -> Ciphertext

    /// The default bound B: weights, velocity and gradient of a softmax head
    /// on features of norm ≤ 1 with centred logits within the softmax domain
    /// (≤ 64) stay far below it; the client checks the decrypted head against
    /// B/2 after every epoch.
    public static var defaultBound: Double { 128 }

    /// Worst-slot precision of one bootstrap relative to its input bound, for
    /// the op-count step and the simulated backend's noise model: 15.8 bits
    /// measured at N = 2^16 over [−1, 1] (docs/benchmarks.md), rounded down.
    public static var precisionBits: Double { 15 }

    public init(settings: BootstrapParameters, levelAfter: Int, bound: Double, step: BootstrapStep,
                run: @escaping @Sendable (Ciphertext) throws -> Ciphertext) {
        self.settings = settings
        self.levelAfter = levelAfter
        self.bound = bound
        self.step = step
        self.run = run
    }

    /// The plan-style step of `settings` under `parameters` (rotation steps
    /// as the runtime's linear transforms use them).
    /// - Throws: `PrivateTrainingError.bootstrapNotPossible` naming why.
    public static func step(_ settings: BootstrapParameters,
                            parameters: CKKSParameters) throws(PrivateTrainingError) -> BootstrapStep {
        let rotations: [Int]
        do { rotations = try Bootstrapper.rotationSteps(for: settings, parameters: parameters) } catch {
            throw .bootstrapNotPossible(TrainingBootstrap.reason(error))
        }
        return BootstrapStep(name: "training refresh", slots: settings.slots, modulusRange: settings.modulusRange,
                             doubleAngles: settings.doubleAngles, chebyshevDegree: settings.chebyshevDegree,
                             coeffToSlotLevels: settings.coeffToSlotLevels, slotToCoeffLevels: settings.slotToCoeffLevels,
                             rotationSteps: rotations, precisionBits: precisionBits)
    }

    static func reason(_ error: any Error) -> String {
        if case HEError.bootstrapNotPossible(let why) = error { return why }
        return "\(error)"
    }
}

extension TrainingBootstrap where Ciphertext == SimulatedBackend.Ciphertext {
    /// The simulated backend's bootstrap (levels, scales, its measured
    /// precision as noise), refusing a value the real bootstrap could not
    /// hold: |value|·scale·16 > q₀ is an error, not garbage.
    ///
    /// - Throws: `PrivateTrainingError.bootstrapNotPossible` if the chain
    ///   cannot hold `settings`.
    public static func simulated(_ backend: SimulatedBackend, settings: BootstrapParameters, parameters: CKKSParameters,
                                 bound: Double = defaultBound) throws(PrivateTrainingError) -> Self {
        let step = try step(settings, parameters: parameters)
        do { try backend.prepareBootstrap(step) } catch { throw .bootstrapNotPossible("\(error)") }
        return Self(settings: settings, levelAfter: backend.maxLevel - settings.depth, bound: bound, step: step) { ct in
            // The evaluator scaled the value by 1/B: past 1 it was past B.
            let largest = ct.slots.reduce(0) { max($0, abs($1)) }
            guard largest <= 1 else { throw PrivateTrainingError.bootstrapBoundExceeded(operation: "", value: largest, bound: 1) }
            return try backend.bootstrap(ct, step, bound: 1)
        }
    }
}

extension TrainingBootstrap where Ciphertext == HepexcCKKS.Ciphertext {
    /// The CKKS `Bootstrapper` (its linear transforms encoded once).
    public init(bootstrapper: Bootstrapper, bound: Double = defaultBound) throws(PrivateTrainingError) {
        let step = try Self.step(bootstrapper.parameters, parameters: bootstrapper.context.parameters)
        self.init(settings: bootstrapper.parameters, levelAfter: bootstrapper.levelAfter, bound: bound, step: step) { ct in
            try bootstrapper.bootstrap(ct)
        }
    }
}
