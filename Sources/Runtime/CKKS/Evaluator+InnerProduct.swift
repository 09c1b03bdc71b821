extension Evaluator {
    /// `Σ_i lhs_i ⊙ rhs_i` with a single relinearization: the size-3 tensor products are summed
    /// first (addition is linear in every component), so n products cost one key switch instead
    /// of n. Not rescaled.
    /// - Throws: `invalidParameters` for empty or unequal lists; level, scale and size mismatches;
    ///   `missingRelinearizationKey`.
    public func innerProduct(_ lhs: [Ciphertext], _ rhs: [Ciphertext]) throws -> Ciphertext {
        guard !lhs.isEmpty, lhs.count == rhs.count else {
            throw HEError.invalidParameters("innerProduct needs equally many (≥ 1) ciphertexts on each side")
        }
        guard lhs.count > 1 else { return try multiplyRelinearize(lhs[0], rhs[0]) }
        var total = try multiply(lhs[0], rhs[0])
        for index in 1..<lhs.count { total = try add(total, multiply(lhs[index], rhs[index])) }
        return try relinearize(total)
    }
}
