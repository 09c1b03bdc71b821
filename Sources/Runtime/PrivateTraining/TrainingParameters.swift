public import HepexcCKKS
public import HepexcExecutor

/// CKKS parameters and backends for private training.
public enum TrainingParameters {
    /// The 128-bit-secure parameter set at N = 2^logN with the most levels
    /// of `logScale` bits: q0 of `firstPrimeBits`, then as many scale primes
    /// as the runtime's security table (`CKKSParameters.maxLogQP`) allows
    /// with the key-switching layout `CKKSParameters` chooses.
    ///
    /// - Throws: `PrivateTrainingError.noSecureParameters`.
    public static func secure(logN: Int = 14, logScale: Int = 40, firstPrimeBits: Int = 60) throws(PrivateTrainingError) -> CKKSParameters {
        guard let budget = CKKSParameters.maxLogQP[logN] else {
            throw PrivateTrainingError.noSecureParameters(logN: logN, reason: "no security bound for this ring degree")
        }
        var levels = (budget - firstPrimeBits) / logScale
        while levels >= 2 {
            let literal = CKKSParameters.Literal(logN: logN, logQ: [firstPrimeBits] + Array(repeating: logScale, count: levels),
                                                 logScale: logScale)
            if let parameters = try? CKKSParameters(literal) { return parameters }
            levels -= 1
        }
        throw PrivateTrainingError.noSecureParameters(logN: logN, reason: "fewer than two \(logScale)-bit levels fit in log QP ≤ \(budget)")
    }

    /// The noise-free backend with the same slots, primes and scale.
    public static func simulated(_ parameters: CKKSParameters) -> SimulatedBackend {
        SimulatedBackend(slotCount: parameters.slotCount, moduli: parameters.ciphertextModuli.map { Double($0) },
                         defaultScale: parameters.defaultScale)
    }

    /// The real backend, client and server in one process: a fresh secret
    /// key (system CSPRNG), the relinearization key and the Galois keys of
    /// every rotation the layout uses.
    ///
    /// - Returns: the backend and the bytes of the evaluation keys the client
    ///   sends the server once.
    /// - Throws: `PrivateTrainingError.backend` if key generation fails.
    public static func ckks(_ parameters: CKKSParameters, layout: HETALLayout,
                            threads: Int? = nil) throws(PrivateTrainingError) -> (backend: CKKSBackend, keyBytes: Int) {
        let context = CKKSContext(parameters: parameters, threads: threads)
        var generator = KeyGenerator(context: context)
        let relinearization = generator.relinearizationKey()
        let galois = generator.galoisKeys(steps: layout.rotationSteps)
        do {
            let evaluator = try Evaluator(context: context, relinearizationKey: relinearization, galoisKeys: galois)
            let decryptor = try Decryptor(context: context, secretKey: generator.secretKey)
            let backend = CKKSBackend(context: context, evaluator: evaluator, encryptionKey: .secretKey(generator.secretKey),
                                      decryptor: decryptor)
            let keyBytes = relinearization.key.byteCount + galois.keys.values.reduce(0) { $0 + $1.byteCount }
            return (backend, keyBytes)
        } catch {
            throw PrivateTrainingError.backend("\(error)")
        }
    }
}
