/// The levels at which a plan uses its evaluation keys (issue 17, evaluation-key memory).
///
/// A key switch at level ℓ reads only the key's limbs of q_0 … q_ℓ (and the special primes),
/// so a key used only up to level ℓ can be generated, stored and uploaded trimmed to ℓ. The
/// plan knows those levels statically: the executor runs exactly the schedule the cost
/// analysis counts.
public struct KeySwitchLevels: Sendable, Equatable {
    /// For every rotation step of the plan, the highest level at which a ciphertext is rotated by it.
    public var rotations: [Int: Int]
    /// The highest level at which a ciphertext is conjugated (bootstraps only), or nil.
    public var conjugation: Int?
    /// The highest level at which two ciphertexts are multiplied and relinearized, or nil.
    public var relinearization: Int?

    public init(rotations: [Int: Int] = [:], conjugation: Int? = nil, relinearization: Int? = nil) {
        self.rotations = rotations
        self.conjugation = conjugation
        self.relinearization = relinearization
    }

    mutating func rotation(_ step: Int, at level: Int) {
        rotations[step] = max(rotations[step] ?? level, level)
    }
}

extension Plan {
    /// The highest level at which each evaluation key is used, layer by layer:
    /// - Type A/B: the reduction rotations run after the rescale (input level − 1) and, after
    ///   a Type-A mask, one level lower again;
    /// - Type D: the hoisted baby rotations at the input level, the giant and replication
    ///   rotations after the rescale (input level − 1); row-diagonal (R) likewise, its
    ///   babies shared by every output group, each group's giants at input level − 1;
    /// - polynomials with products: relinearization from their input level down;
    /// - bootstraps: every key of the step (its rotations, conjugation, relinearization) at
    ///   the top of the chain, where CoeffToSlot starts.
    /// A rotation step of `rotationSteps` that no layer accounts for gets the top level (never
    /// too low).
    public var keySwitchLevels: KeySwitchLevels {
        var levels = KeySwitchLevels()
        let top = parameters.maxLevel
        let t = tile
        for (layer, level) in zip(layers, layerInputLevels) {
            switch layer {
            case .fullyConnected(let fc) where fc.form == .diagonal:
                let schedule = fc.diagonalSchedule(t2: t.t2)
                let stored = fc.storedDiagonals
                for b in Set(stored.flatMap { schedule.babyRotations(stored: $0) }) {
                    levels.rotation(b * t.t3, at: level)
                }
                let all = stored.reduce(into: Set<Int>()) { $0.formUnion($1) }
                for g in schedule.giantGroups(stored: all) where g > 0 {
                    levels.rotation(g * schedule.babySteps * t.t3, at: level - 1)
                }
                for p in 0..<schedule.replicationSteps { levels.rotation((schedule.width << p) * t.t3, at: level - 1) }
            case .fullyConnected(let fc) where fc.form == .rowDiagonal:
                let (babies, giants) = fc.rowDiagonalRotationSteps(tile: t)
                for step in babies { levels.rotation(step, at: level) }
                for step in giants { levels.rotation(step, at: level - 1) }
            case .fullyConnected(let fc):
                var current = level - 1
                for step in fc.reductionSteps(tile: t) {
                    switch step {
                    case .rotateAndAdd(let steps): levels.rotation(steps, at: current)
                    case .mask: current -= 1
                    }
                }
            case .polynomial(let poly) where !poly.schedule.products.isEmpty:
                levels.relinearization = max(levels.relinearization ?? level, level)
            case .bootstrap(let step):
                for s in step.rotationSteps { levels.rotation(s, at: top) }
                levels.conjugation = top
                levels.relinearization = top
            case .polynomial, .packed:
                break
            }
        }
        let planned = Set(rotationSteps)
        for step in planned where levels.rotations[step] == nil { levels.rotations[step] = top }
        levels.rotations = levels.rotations.filter { planned.contains($0.key) }.mapValues { min(max($0, 0), top) }
        return levels
    }
}
