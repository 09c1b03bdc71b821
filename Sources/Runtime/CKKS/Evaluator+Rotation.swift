import HepexcRing

extension Evaluator {
    /// Rotates the slots left by `steps` (right for negative steps): slot j receives slot j + steps.
    /// - Throws: `missingGaloisKey` unless keys for this step were generated.
    public func rotate(_ ct: Ciphertext, by steps: Int) throws -> Ciphertext {
        let g = Automorphism.rotationElement(steps: steps, degree: context.parameters.degree)
        if g == 1 { return ct }
        return try applyGalois(ct, element: g)
    }

    /// Complex conjugation of every slot.
    public func conjugate(_ ct: Ciphertext) throws -> Ciphertext {
        try applyGalois(ct, element: Automorphism.conjugationElement(degree: context.parameters.degree))
    }

    /// Applies `σ_g` and switches back to `s`.
    public func applyGalois(_ ct: Ciphertext, element g: Int) throws -> Ciphertext {
        try checkSize(ct, 2)
        guard let key = galoisKeys?.keys[g], let automorphism = automorphisms[g] else {
            throw HEError.missingGaloisKey(galoisElement: g)
        }
        try Self.checkKeyLevel(key, ct, "rotation (Galois element \(g))")
        var c0 = ct.polys[0].applying(automorphism)
        let d1 = context.keySwitchAdding(permuting: ct.polys[1], automorphism, key: key, to: &c0)
        return Ciphertext(polys: [c0, d1], scale: ct.scale)
    }

    /// Many rotations of one ciphertext sharing one decomposition (hoisting): the ModUp of
    /// `c_1` is computed once; each step costs only the inner product, ModDown and permutations.
    /// - Returns: the rotated ciphertexts keyed by step.
    /// - Throws: `missingGaloisKey` for any step without a key.
    public func rotateHoisted(_ ct: Ciphertext, by steps: [Int]) throws -> [Int: Ciphertext] {
        try checkSize(ct, 2)
        let n = context.parameters.degree
        var plan: [(Int, Int)] = []
        for step in Set(steps) {
            let g = Automorphism.rotationElement(steps: step, degree: n)
            if g != 1 {
                guard let key = galoisKeys?.keys[g] else { throw HEError.missingGaloisKey(galoisElement: g) }
                try Self.checkKeyLevel(key, ct, "rotation by \(step) (Galois element \(g))")
            }
            plan.append((step, g))
        }
        var results: [Int: Ciphertext] = [:]
        guard plan.contains(where: { $0.1 != 1 }) else {
            for (step, _) in plan { results[step] = ct }
            return results
        }
        let decomposition = context.decompose(ct.polys[1])
        for (step, g) in plan {
            if g == 1 { results[step] = ct; continue }
            guard let automorphism = automorphisms[g], let key = galoisKeys?.keys[g] else {
                throw HEError.missingGaloisKey(galoisElement: g)
            }
            var c0 = ct.polys[0].applying(automorphism)
            let d1 = context.keySwitchAdding(decomposition, key: key, automorphism: automorphism, to: &c0)
            results[step] = Ciphertext(polys: [c0, d1], scale: ct.scale)
        }
        return results
    }

    /// Refuses a level-trimmed key that does not reach `ct`'s level (never a silently wrong switch).
    static func checkKeyLevel(_ key: KeySwitchKey, _ ct: Ciphertext, _ operation: @autoclosure () -> String) throws {
        guard key.level >= ct.level else {
            throw HEError.keyLevelTooLow(operation: operation(), keyLevel: key.level, ciphertextLevel: ct.level)
        }
    }
}
