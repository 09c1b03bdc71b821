internal import Foundation
public import HepexcPlan

/// Bootstrapping in the simulation: the level and scale rules of the runtime
/// (the result lands `step.depth` below the top with the input's scale; the
/// scale must leave q₀ sixteen times the room), and the bootstrap's measured
/// precision loss as noise, so a simulated run's error is close to an
/// encrypted one's.
extension SimulatedBackend {
    public func prepareBootstrap(_ step: BootstrapStep) throws {
        try check(step.depth < maxLevel, "bootstrap \(step.name) needs \(step.depth) levels but the chain has \(maxLevel)")
        try check(step.slots == slotCount, "bootstrap \(step.name) packs \(step.slots) slots, the ring \(slotCount)")
    }

    /// Adds Gaussian noise of standard deviation `bound`·2^−bits / 4 to every
    /// slot (its largest over many slots ≈ the measured worst error), from a
    /// generator seeded by the input, so a run is reproducible.
    public func bootstrap(_ ciphertext: Ciphertext, _ step: BootstrapStep, bound: Double) throws -> Ciphertext {
        try prepareBootstrap(step)
        guard let q0 = moduli.first else { throw ExecutorError.simulation("no ciphertext primes") }
        try check(ciphertext.scale * 16 <= q0, "bootstrap of a ciphertext at scale 2^\(log2(ciphertext.scale)) above q_0/16")
        let largest = ciphertext.slots.reduce(0) { max($0, abs($1)) }
        // EvalMod's sine is linear only for messages far below q₀.
        try check(largest * ciphertext.scale * 16 <= q0, "bootstrap \(step.name) of values up to \(largest): "
                  + "q_0 holds at most \(q0 / 16 / ciphertext.scale) at this scale")
        guard modelsBootstrapNoise else {
            return try fitting(Ciphertext(slots: ciphertext.slots, level: maxLevel - step.depth, scale: ciphertext.scale))
        }
        let sigma = max(bound, 1e-12) * pow(2, -step.precisionBits) / 4
        var state = ciphertext.slots.prefix(16).reduce(UInt64(0x9e37_79b9_7f4a_7c15)) { $0 &* 31 &+ $1.bitPattern }
        func next() -> Double {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            z ^= z >> 31
            return (Double(z >> 11) + 0.5) * 0x1p-53
        }
        let noisy = ciphertext.slots.map { value in
            value + sigma * (-2 * log(next())).squareRoot() * cos(2 * Double.pi * next())
        }
        return try fitting(Ciphertext(slots: noisy, level: maxLevel - step.depth, scale: ciphertext.scale))
    }
}
