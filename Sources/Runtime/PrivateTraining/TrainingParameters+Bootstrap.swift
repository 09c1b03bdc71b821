public import HepexcCKKS
public import HepexcExecutor

/// Parameters and keys for `RefreshMode.bootstrap`.
extension TrainingParameters {
    /// The training's scale with bootstrapping: 40 bits, as without.
    public static var bootstrapLogScale: Int { 40 }

    /// A bootstrappable chain for training at N = 2^logN: the runtime's
    /// standard bootstrap (full slots, sparse-secret encapsulation with
    /// h = 32, K = 16, degree 63, 2 double angles) above as many 40-bit
    /// training levels as fit (`CKKSParameters.Literal.bootstrappable`), with
    /// q₀/Δ = 2^5 at N ≥ 2^15 and 2^10 on the small insecure rings (their
    /// coefficients are larger against the sine, as the compiler's choice).
    ///
    /// At 128-bit security only N = 2^16 holds the bootstrap (its 12 60-bit
    /// primes alone exceed log QP ≤ 881 at 2^15); at most `levelsAfter`
    /// training levels (10: the softmax's longest stretch needs 7 plus the
    /// reserved one; every further level adds a limb to every key and, past
    /// the special modulus, a key-switching digit). Insecure rings
    /// (`insecure: true`, tests and `--allow-insecure`) take CoeffToSlot and
    /// SlotToCoeff in 2 levels each and `insecureLevelsAfter` training levels.
    ///
    /// - Throws: `PrivateTrainingError.bootstrapNotPossible` naming why.
    public static func bootstrappable(logN: Int, insecure: Bool = false,
                                      levelsAfter: Int = 10) throws(PrivateTrainingError) -> (CKKSParameters, BootstrapParameters) {
        var settings = BootstrapParameters.standard(logN: logN)
        let ratio = logN >= 15 ? 5 : 10
        if insecure {
            settings.coeffToSlotLevels = min(2, settings.coeffToSlotLevels)
            settings.slotToCoeffLevels = min(2, settings.slotToCoeffLevels)
            let literal = CKKSParameters.Literal.bootstrappable(logN: logN, levelsAfter: levelsAfter, bootstrap: settings,
                                                                logScale: bootstrapLogScale, logMessageRatio: ratio, insecure: true)
            do {
                let parameters = try CKKSParameters(literal)
                try settings.validate(for: parameters)
                return (parameters, settings)
            } catch {
                throw .bootstrapNotPossible(TrainingBootstrap<Int>.reason(error))
            }
        }
        guard let budget = CKKSParameters.maxLogQP[logN] else {
            throw .bootstrapNotPossible("no 128-bit security bound for N = 2^\(logN)")
        }
        // The bootstrap's own primes (60 bits each) and q₀.
        let bootstrapBits = 60 * (settings.evalModDepth + settings.scaleChangeLevels + settings.coeffToSlotLevels)
            + bootstrapLogScale * settings.slotToCoeffLevels + bootstrapLogScale + ratio
        var levels = min(levelsAfter, (budget - bootstrapBits) / bootstrapLogScale)
        var last: (any Error)?
        while levels >= 1 {
            let literal = CKKSParameters.Literal.bootstrappable(logN: logN, levelsAfter: levels, bootstrap: settings,
                                                                logScale: bootstrapLogScale, logMessageRatio: ratio)
            do {
                let parameters = try CKKSParameters(literal)
                try settings.validate(for: parameters)
                return (parameters, settings)
            } catch {
                last = error
            }
            levels -= 1
        }
        throw .bootstrapNotPossible("bootstrapping at 128-bit security needs N = 2^16: at N = 2^\(logN) the bootstrap's "
            + "\(settings.depth) levels need log Q ≥ \(bootstrapBits) bits plus the training's and the special primes, "
            + "but the HE standard allows log QP ≤ \(budget)" + (last.map { " (\(TrainingBootstrap<Int>.reason($0)))" } ?? ""))
    }

    /// The real backend with bootstrapping: the secret key (system CSPRNG),
    /// the relinearization key, Galois keys for the layout's rotations, the
    /// bootstrap's rotations and conjugation, and the sparse-secret
    /// encapsulation keys; the bootstrap's linear transforms are encoded once.
    ///
    /// - Returns: the backend, the bytes of all evaluation keys the client
    ///   sends the server once, and the server's bootstrap.
    /// - Throws: `PrivateTrainingError.bootstrapNotPossible` or `.backend`.
    public static func ckks(_ parameters: CKKSParameters, layout: HETALLayout, bootstrap settings: BootstrapParameters,
                            bound: Double = TrainingBootstrap<HepexcCKKS.Ciphertext>.defaultBound, threads: Int? = nil)
        throws(PrivateTrainingError) -> (backend: CKKSBackend, keyBytes: Int, bootstrapper: TrainingBootstrap<HepexcCKKS.Ciphertext>) {
        let context = CKKSContext(parameters: parameters, threads: threads)
        var generator = KeyGenerator(context: context)
        do {
            let bootstrapSteps = try Bootstrapper.rotationSteps(for: settings, parameters: parameters)
            let relinearization = generator.relinearizationKey()
            let galois = generator.galoisKeys(steps: Array(Set(layout.rotationSteps + bootstrapSteps)).sorted(), conjugation: true)
            let encapsulation = try settings.ephemeralSecretWeight.map { h in try generator.encapsulationKeys(hammingWeight: h) }
            let evaluator = try Evaluator(context: context, relinearizationKey: relinearization, galoisKeys: galois)
            let decryptor = try Decryptor(context: context, secretKey: generator.secretKey)
            let backend = CKKSBackend(context: context, evaluator: evaluator, encryptionKey: .secretKey(generator.secretKey),
                                      decryptor: decryptor)
            let bootstrapper = try Bootstrapper(context: context, parameters: settings, evaluator: evaluator,
                                                encapsulationKeys: encapsulation)
            let keyBytes = relinearization.key.byteCount + galois.keys.values.reduce(0) { $0 + $1.byteCount }
                + (encapsulation?.byteCount ?? 0)
            return (backend, keyBytes, try TrainingBootstrap(bootstrapper: bootstrapper, bound: bound))
        } catch let error as PrivateTrainingError {
            throw error
        } catch HEError.bootstrapNotPossible(let reason) {
            throw .bootstrapNotPossible(reason)
        } catch {
            throw .backend("\(error)")
        }
    }
}
