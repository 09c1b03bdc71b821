internal import Foundation
public import HepexcCKKS
public import HepexcPlan

extension BootstrapStep {
    /// The runtime's settings for this plan step.
    public var runtimeParameters: BootstrapParameters {
        BootstrapParameters(slots: slots, modulusRange: modulusRange, doubleAngles: doubleAngles,
                            chebyshevDegree: chebyshevDegree, coeffToSlotLevels: coeffToSlotLevels,
                            slotToCoeffLevels: slotToCoeffLevels, ephemeralSecretWeight: ephemeralSecretWeight)
    }

    /// The rotation steps bootstrapping with `settings` needs under
    /// `parameters`, as left rotations in 1..<slots (the runtime lists some
    /// as negative; a rotation by −k is one by slots − k, with the same key).
    public static func rotationSteps(_ settings: BootstrapParameters, parameters: CKKSParameters) throws -> [Int] {
        let slots = parameters.slotCount
        let raw: [Int]
        do { raw = try Bootstrapper.rotationSteps(for: settings, parameters: parameters) } catch let error as HEError {
            throw ExecutorError.runtime(error)
        }
        return Set(raw.map { (($0 % slots) + slots) % slots }).subtracting([0]).sorted()
    }

    /// Checks the step against a parameter set: the chain holds it (else
    /// `HEError.bootstrapNotPossible`) and its recorded rotation steps are the
    /// ones the runtime's linear transforms use.
    /// - Throws: `ExecutorError.runtime` or `.plan`.
    public func check(against parameters: CKKSParameters) throws {
        let needed = try Self.rotationSteps(runtimeParameters, parameters: parameters)
        guard runtimeParameters.depth == depth else {
            throw ExecutorError.plan(.invalid("bootstrap \(name): the runtime counts \(runtimeParameters.depth) levels, the plan \(depth)"))
        }
        guard Set(needed) == Set(rotationSteps) else {
            throw ExecutorError.plan(.invalid("bootstrap \(name) records \(rotationSteps.count) rotation steps, not the "
                + "\(needed.count) the runtime's transforms use; recompile the model"))
        }
    }
}

/// Bootstrappers built once per backend (per evaluator for a server's
/// backend): building one encodes the CoeffToSlot and SlotToCoeff transforms.
final class BootstrapperCache: @unchecked Sendable {
    private var built: [String: Bootstrapper] = [:]
    private let lock = NSLock()

    init() { }

    /// The bootstrapper for `key`, built by `make` on first use (under the lock:
    /// concurrent tiles wait for one build instead of each building one).
    func bootstrapper(_ key: String, _ make: () throws -> Bootstrapper) throws -> Bootstrapper {
        lock.lock(); defer { lock.unlock() }
        if let existing = built[key] { return existing }
        let made = try make()
        built[key] = made
        return made
    }
}

extension CKKSBackend {
    func bootstrapper(for step: BootstrapStep) throws -> Bootstrapper {
        let settings = step.runtimeParameters
        return try bootstrappers.bootstrapper("\(settings)") {
            try step.check(against: context.parameters)
            return try wrap {
                try Bootstrapper(context: context, parameters: settings, evaluator: evaluator, encapsulationKeys: encapsulationKeys)
            }
        }
    }

    public func prepareBootstrap(_ step: BootstrapStep) throws {
        _ = try bootstrapper(for: step)
    }

    public func bootstrap(_ ciphertext: Ciphertext, _ step: BootstrapStep, bound: Double) throws -> Ciphertext {
        let bootstrapper = try bootstrapper(for: step)
        return try wrap { try bootstrapper.bootstrap(ciphertext) }
    }
}
