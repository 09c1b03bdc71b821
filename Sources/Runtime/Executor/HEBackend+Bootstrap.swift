public import HepexcPlan

/// Bootstrapping on a backend (plan ``BootstrapStep``s). The defaults throw:
/// a backend that cannot bootstrap says so instead of running a plan wrong.
extension HEBackend {
    /// Prepares `step` once (the CKKS backend encodes the linear transforms
    /// and checks its keys); the executor calls it at construction.
    public func prepareBootstrap(_ step: BootstrapStep) throws {
        throw ExecutorError.input("this backend cannot bootstrap (plan step \(step.name))")
    }

    /// `ciphertext` refreshed to `maxLevel − step.depth` levels with its
    /// scale; `bound` is the largest magnitude the compiler expects there.
    public func bootstrap(_ ciphertext: Ciphertext, _ step: BootstrapStep, bound: Double) throws -> Ciphertext {
        throw ExecutorError.input("this backend cannot bootstrap (plan step \(step.name))")
    }
}
