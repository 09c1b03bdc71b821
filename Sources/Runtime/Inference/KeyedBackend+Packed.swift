public import HepexcExecutor

extension KeyedBackend {
    /// A packed layer's Σ ctᵢ · cᵢ (``HEBackend/multiplyAccumulate(_:constants:scale:)``)
    /// with the CKKS backend's one-pass kernel; terms it cannot take go
    /// through the client's evaluator one by one.
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) throws -> Ciphertext {
        guard let first = ciphertexts.first, ciphertexts.count == constants.count else {
            throw ExecutorError.input("internal: a constant multiply-accumulate needs equally many (≥ 1) ciphertexts and constants")
        }
        // One request's ciphertexts: one client's evaluator.
        if let sum = CKKSBackend.constantInnerProduct(ciphertexts.map(\.value), constants: constants, scale: scale) {
            return Ciphertext(value: sum, evaluator: first.evaluator)
        }
        var sum = try multiply(first, constant: constants[0], scale: scale)
        for index in ciphertexts.indices.dropFirst() {
            sum = try add(sum, multiply(ciphertexts[index], constant: constants[index], scale: scale))
        }
        return sum
    }
}
