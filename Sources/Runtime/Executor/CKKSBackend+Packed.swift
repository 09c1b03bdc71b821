public import HepexcCKKS
internal import HepexcRing

extension CKKSBackend {
    /// Σ ctᵢ · cᵢ in one pass per limb (`Evaluator.multiplyAccumulate(_:constants:scale:parallelism:)`). Terms
    /// the fast path cannot take (a constant beyond 2^63 after scaling,
    /// mismatched levels or scales, a three-part ciphertext) go through the
    /// evaluator's checked multiply and add, which report the problem.
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) throws -> Ciphertext {
        guard let first = ciphertexts.first, ciphertexts.count == constants.count else {
            throw ExecutorError.input("internal: a constant multiply-accumulate needs equally many (≥ 1) ciphertexts and constants")
        }
        if let sum = Self.constantInnerProduct(ciphertexts, constants: constants, scale: scale) { return sum }
        var sum = try multiply(first, constant: constants[0], scale: scale)
        for index in ciphertexts.indices.dropFirst() {
            sum = try add(sum, multiply(ciphertexts[index], constant: constants[index], scale: scale))
        }
        return sum
    }

    /// The fast path of ``multiplyAccumulate(_:constants:scale:)``, also
    /// used by the server's keyed backend; `nil` when it does not apply.
    /// Serial over limbs: the packed executor already runs outputs in parallel.
    public static func constantInnerProduct(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) -> Ciphertext? {
        Evaluator.multiplyAccumulate(ciphertexts, constants: constants, scale: scale, parallelism: .serial)
    }
}
