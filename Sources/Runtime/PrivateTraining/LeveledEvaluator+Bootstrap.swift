internal import Foundation
internal import HepexcExecutor

extension LeveledEvaluator {
    /// `RefreshMode.bootstrap`: the server refreshes `ciphertext` itself.
    ///
    /// 1. One ct×constant 1/B (ct×plaintext 1/B·mask when `valid` is given)
    ///    and a rescale (the reserved level): the value enters the
    ///    bootstrap's range [−1, 1], on the scale Δ_L of the top level
    ///    L = the bootstrap's output level.
    /// 2. The bootstrap: the same message at level L, with the input's scale
    ///    Δ_L — exactly the ladder's.
    /// 3. A multiplication by the integer B at scale 1 (no level): the value
    ///    again, with the bootstrap's error times B.
    ///
    /// No traffic; `ledger.bootstraps` counts it, `counts` adds the step's
    /// op-count model. A value past B is an error on the simulated backend
    /// (which sees the values); under CKKS the client checks the decrypted
    /// head against B/2 after every epoch (`EncryptedTrainer`).
    func bootstrapRefresh(_ ciphertext: Ciphertext, for operation: String,
                          bound: Double?, valid: (mask: [Double], key: String)?) throws(PrivateTrainingError) -> Ciphertext {
        guard let bootstrapper else {
            throw PrivateTrainingError.bootstrapNotPossible("no bootstrapper was set up for \(operation)")
        }
        let b = Self.powerOfTwo(atLeast: bound ?? bootstrapper.bound)
        let current = level(ciphertext)
        guard current >= 1 else {
            throw PrivateTrainingError.bootstrapNotPossible("internal: \(operation) asks to bootstrap a ciphertext at level 0 "
                + "(the 1/B scaling needs a level)")
        }
        let clock = ContinuousClock(), start = clock.now
        defer { refreshSeconds += (clock.now - start).seconds }
        let top = bootstrapper.levelAfter
        let factor = scales[top] * backend.modulus(atLevel: current) / backend.scale(of: ciphertext)
        let scaled: Ciphertext
        if let valid {
            let plain = try plaintext(valid.mask.map { $0 / b }, key: "bootstrap.\(valid.key).\(b).\(factor)", level: current,
                                      scale: factor, purpose: .mask)
            scaled = try run { try backend.rescale(backend.multiply(ciphertext, plain: plain)) }
        } else {
            scaled = try run { try backend.rescale(backend.multiply(ciphertext, constant: 1 / b, scale: factor)) }
        }
        let refreshed: Ciphertext
        do {
            refreshed = try bootstrapper.run(scaled)
        } catch PrivateTrainingError.bootstrapBoundExceeded(_, let value, _) {
            throw PrivateTrainingError.bootstrapBoundExceeded(operation: operation, value: value * b, bound: b)
        } catch let error as PrivateTrainingError {
            throw error
        } catch {
            throw PrivateTrainingError.backend("bootstrap for \(operation): \(error)")
        }
        ledger.bootstraps += 1
        bootstrapCounts.bootstraps += 1
        bootstrapCounts.bootstrapRotations += bootstrapper.step.rotationsPerCiphertext
        bootstrapCounts.bootstrapMultiplies += bootstrapper.step.multipliesPerCiphertext
        return try run { try backend.multiply(refreshed, constant: b, scale: 1) }
    }

    /// The smallest power of two ≥ `value` (at least 1).
    static func powerOfTwo(atLeast value: Double) -> Double {
        guard value.isFinite, value > 1 else { return 1 }
        return pow(2, ceil(log2(value)))
    }
}
