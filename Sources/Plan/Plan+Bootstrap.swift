/// Levels of a plan with bootstrap steps (``BootstrapStep``).
///
/// Without bootstraps a plan's inputs are encrypted at the top of the chain
/// and its layers consume `depth` levels from there. With bootstraps the
/// chain is a bootstrapping chain: its top `bootstrapDepth` primes belong to
/// the bootstrap (CoeffToSlot, EvalMod, part of SlotToCoeff), inputs are
/// encrypted at ``levelAfterBootstrap`` — the level a bootstrap lands on —
/// and each segment between bootstraps consumes at most that many levels.
extension Plan {
    /// The plan's bootstrap steps, in order.
    public var bootstrapSteps: [BootstrapStep] {
        layers.compactMap { if case .bootstrap(let step) = $0 { return step } else { return nil } }
    }

    /// Whether the plan bootstraps (and so needs the conjugation key).
    public var bootstraps: Bool { layers.contains { if case .bootstrap = $0 { return true } else { return false } } }

    /// Levels the bootstrap consumes from the top of the chain (0 without bootstraps).
    public var bootstrapDepth: Int { bootstrapSteps.first?.depth ?? 0 }

    /// The level fresh inputs are encrypted at and every bootstrap lands on.
    public var levelAfterBootstrap: Int { parameters.maxLevel - bootstrapDepth }

    /// The level inputs are encrypted at: the top of the chain, or, with
    /// bootstraps, ``levelAfterBootstrap``.
    public var inputLevel: Int { levelAfterBootstrap }

    /// Levels one plan layer consumes (a bootstrap: none; it resets the level).
    public static func depth(of layer: PlanLayer) -> Int {
        switch layer {
        case .fullyConnected(let fc): return fc.depth
        case .polynomial(let poly): return poly.depth
        case .packed(let packed): return packed.depth
        case .bootstrap: return 0
        }
    }

    /// The level at which each layer starts, in layer order.
    public var layerInputLevels: [Int] {
        var level = inputLevel
        return layers.map { layer in
            let start = level
            if case .bootstrap = layer { level = levelAfterBootstrap } else { level -= Self.depth(of: layer) }
            return start
        }
    }

    /// Levels consumed by each segment between bootstraps (one segment without bootstraps).
    public var segmentDepths: [Int] {
        var segments = [0]
        for layer in layers {
            if case .bootstrap = layer { segments.append(0) } else { segments[segments.count - 1] += Self.depth(of: layer) }
        }
        return segments
    }

    /// The largest number of rotation keys a bootstrap step may ask for (a
    /// full-slot bootstrap at N = 2^16 with three levels per transform needs
    /// well under a hundred; a crafted file could ask for every step).
    static let maximumBootstrapRotations = 1024

    /// Checks the bootstrap steps' settings against the chain and each other.
    func validateBootstraps() throws(PlanError) {
        let steps = bootstrapSteps
        guard let first = steps.first else { return }
        let slots = parameters.slotCount
        for step in steps {
            var settings = step
            settings.name = first.name
            guard settings == first else {
                throw .invalid("bootstrap \(step.name) has other settings than \(first.name); a plan bootstraps one way")
            }
        }
        let stages = slots.trailingZeroBitCount
        guard first.slots == slots else {
            throw .invalid("bootstrap \(first.name) packs \(first.slots) slots; the plan's ciphertexts hold \(slots)")
        }
        guard (1...stages).contains(first.coeffToSlotLevels), (1...stages).contains(first.slotToCoeffLevels) else {
            throw .invalid("bootstrap \(first.name): CoeffToSlot and SlotToCoeff levels must lie in 1…\(stages)")
        }
        guard (7...1023).contains(first.chebyshevDegree), (first.chebyshevDegree + 1) & first.chebyshevDegree == 0,
              (0...20).contains(first.doubleAngles), (1...(1 << 20)).contains(first.modulusRange) else {
            throw .invalid("bootstrap \(first.name): degree \(first.chebyshevDegree) (2^k − 1 in 7…1023), double angles "
                + "\(first.doubleAngles) (0…20) or modulus range \(first.modulusRange) (1…2^20) out of range")
        }
        guard first.precisionBits.isFinite, (0...60).contains(first.precisionBits) else {
            throw .invalid("bootstrap \(first.name): precision \(first.precisionBits) bits is not in 0…60")
        }
        guard first.rotationSteps.count <= Self.maximumBootstrapRotations,
              first.rotationSteps.allSatisfy({ $0 > 0 && $0 < slots }) else {
            throw .invalid("bootstrap \(first.name): \(first.rotationSteps.count) rotation steps, at most "
                + "\(Self.maximumBootstrapRotations) in 1..<\(slots)")
        }
        if let weight = first.ephemeralSecretWeight {
            let halfDegree = parameters.slotCount
            guard (1...halfDegree).contains(weight), weight <= 2 * first.modulusRange else {
                throw .invalid("bootstrap \(first.name): ephemeral secret weight \(weight) must lie in 1…\(halfDegree) (N/2) "
                    + "and at most 2K = \(2 * first.modulusRange)")
            }
        }
        guard first.depth < parameters.maxLevel else {
            throw .invalid("bootstrap \(first.name) needs \(first.depth) levels but the chain has \(parameters.maxLevel): "
                + "none would be left after it")
        }
        for (index, consumed) in segmentDepths.enumerated() where consumed > levelAfterBootstrap {
            throw .invalid("segment \(index) between bootstraps consumes \(consumed) levels; a bootstrap leaves \(levelAfterBootstrap)")
        }
    }
}
