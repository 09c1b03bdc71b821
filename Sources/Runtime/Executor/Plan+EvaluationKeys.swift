public import HepexcCKKS
public import HepexcPlan
internal import HepexcRing

extension Plan {
    /// The highest level at which each Galois element's key is used (``keySwitchLevels``
    /// keyed by Galois element under ring degree `degree`; conjugation included for bootstraps).
    public func galoisElementLevels(degree: Int) -> [Int: Int] {
        let levels = keySwitchLevels
        var result: [Int: Int] = [:]
        for (step, level) in levels.rotations {
            let g = Automorphism.rotationElement(steps: step, degree: degree)
            if g != 1 { result[g] = max(result[g] ?? level, level) }
        }
        if let level = levels.conjugation {
            let g = Automorphism.conjugationElement(degree: degree)
            result[g] = max(result[g] ?? level, level)
        }
        return result
    }
}

extension KeyGenerator {
    /// The Galois keys `plan` needs, each trimmed to the highest level the plan uses it at
    /// (nil when the plan neither rotates nor bootstraps).
    public mutating func galoisKeys(for plan: Plan) -> GaloisKeys? {
        guard !plan.rotationSteps.isEmpty || plan.bootstraps else { return nil }
        let levels = plan.keySwitchLevels
        return galoisKeys(stepLevels: levels.rotations, conjugationLevel: levels.conjugation)
    }

    /// The relinearization key `plan` needs, trimmed to the highest level it multiplies two
    /// ciphertexts at; `atLeast` raises that level (ciphertext weights multiply in every
    /// layer). Nil when neither needs one.
    public mutating func relinearizationKey(for plan: Plan, atLeast level: Int? = nil) -> RelinearizationKey? {
        let levels = [plan.keySwitchLevels.relinearization, level].compactMap { $0 }
        guard let top = levels.max() else { return nil }
        return relinearizationKey(level: top)
    }
}
