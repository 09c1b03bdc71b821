internal import Foundation
internal import HepexcCKKS
internal import HepexcExecutor
internal import HepexcPlan

/// The server's bootstrap transforms: the CoeffToSlot and SlotToCoeff
/// plaintexts (about 2 GiB at N = 2^16) depend on the plan's parameters and
/// bootstrap settings only, never on a client's keys, so they are encoded once
/// per server (per plan) on the first evaluation that needs them and shared by
/// every later evaluation and every client.
final class BootstrapTransformsCache: @unchecked Sendable {
    private var transforms: BootstrapTransforms?
    private var seconds: Double?
    private let lock = NSLock()

    init() { }

    /// Seconds the one encoding took (nil before it ran).
    var buildSeconds: Double? {
        lock.lock(); defer { lock.unlock() }
        return seconds
    }

    /// The transforms for `step`, encoded on first use (under the lock:
    /// concurrent first requests wait for one encoding).
    func transforms(for step: BootstrapStep, context: CKKSContext) throws -> BootstrapTransforms {
        lock.lock(); defer { lock.unlock() }
        if let transforms { return transforms }
        let start = Date()
        let made = try BootstrapTransforms(context: context, parameters: step.runtimeParameters)
        seconds = Date().timeIntervalSince(start)
        transforms = made
        return made
    }
}

extension InferenceServer {
    /// Seconds spent encoding the bootstrap transforms, once per server (nil
    /// for a plan without bootstraps or before its first evaluation).
    public var bootstrapSetupSeconds: Double? { bootstrapTransforms.buildSeconds }

    /// The bootstrapper of one request: the shared transforms with the
    /// request's keys (checked: conjugation, rotations, encapsulation keys).
    /// - Throws: `InferenceError` for keys that cannot bootstrap this plan.
    func bootstrapper(evaluator: Evaluator, keys: EvaluationKeys) throws(InferenceError) -> Bootstrapper? {
        guard let step = prepared.plan.bootstrapSteps.first else { return nil }
        if let weight = step.ephemeralSecretWeight, keys.encapsulationKeys?.hammingWeight != weight {
            throw .mismatch("the evaluation keys have no sparse-secret encapsulation keys of weight \(weight), which this "
                + "plan's bootstraps need: run `hepexc keygen` again with this plan")
        }
        do {
            let transforms = try bootstrapTransforms.transforms(for: step, context: prepared.context)
            return try Bootstrapper(transforms: transforms, evaluator: evaluator, encapsulationKeys: keys.encapsulationKeys)
        } catch { throw InferenceError.wrapping(error) }
    }
}
