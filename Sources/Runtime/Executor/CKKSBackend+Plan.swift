public import HepexcCKKS
public import HepexcPlan

extension CKKSParameterChoice {
    /// The plan's parameters as the runtime's literal (validated by
    /// `CKKSParameters.init`, which also enforces 128-bit security unless
    /// the plan was compiled with the insecure test preset).
    public var literal: CKKSParameters.Literal {
        CKKSParameters.Literal(logN: logN, logQ: logQ, logP: logP, logScale: logScale, digits: digits, insecure: insecure)
    }
}

extension CKKSBackend {
    /// Client and server in one process: fresh keys for `plan` (a
    /// relinearization key when asked, and only the Galois keys of the
    /// plan's rotations, each trimmed to the highest level the plan uses it
    /// at), inputs encrypted with the secret key.
    /// - Parameters: `relinearization` a relinearization key even if the plan needs none (then
    ///   up to the input level); `encryptedWeights` the weights will be ciphertexts, multiplied
    ///   at every layer's level (the relinearization key then reaches the input level).
    /// - Throws: `HEError` for parameters the runtime rejects.
    public static func clientAndServer(for plan: Plan, threads: Int, relinearization: Bool,
                                       encryptedWeights: Bool = false) throws -> CKKSBackend {
        let parameters = try CKKSParameters(plan.parameters.literal)
        // The executor runs independent tiles on `threads` workers; limb-level
        // threads help where one ciphertext is all there is (a Type-D layer,
        // key generation). Nested `concurrentPerform` shares GCD's pool of
        // one thread per core, so the two levels do not oversubscribe.
        let context = CKKSContext(parameters: parameters, threads: threads)
        var generator = KeyGenerator(context: context)
        // Ciphertext weights multiply at every layer's level, up to the input level.
        let extra = encryptedWeights || (relinearization && !plan.needsRelinearization) ? plan.inputLevel : nil
        let relinearizationKey = generator.relinearizationKey(for: plan, atLeast: extra)
        // A bootstrap also needs the conjugation key (CoeffToSlot separates
        // real and imaginary parts).
        let galois = generator.galoisKeys(for: plan)
        // Sparse-secret encapsulation: the two switching keys of a fresh
        // ephemeral secret of the step's weight (discarded after keygen).
        let encapsulation = try plan.encapsulationWeight.map { try generator.encapsulationKeys(hammingWeight: $0) }
        let evaluator = try Evaluator(context: context, relinearizationKey: relinearizationKey, galoisKeys: galois)
        let decryptor = try Decryptor(context: context, secretKey: generator.secretKey)
        // The client encrypts its own inputs, so it uses its secret key
        // (symmetric encryption: less noise, faster); the public key is what
        // a third party would encrypt with.
        return CKKSBackend(context: context, evaluator: evaluator, encryptionKey: .secretKey(generator.secretKey),
                           decryptor: decryptor, encapsulationKeys: encapsulation)
    }
}

extension SimulatedBackend {
    /// The noise-free simulation of `plan`'s parameters (same slots, primes
    /// and scales as the CKKS run).
    /// - Throws: `HEError` for parameters the runtime rejects.
    public init(plan: Plan) throws {
        let parameters = try CKKSParameters(plan.parameters.literal)
        self.init(slotCount: parameters.slotCount, moduli: parameters.ciphertextModuli.map { Double($0) },
                  defaultScale: parameters.defaultScale)
    }
}

extension Plan {
    /// The plan with its key-switching layout resolved by the runtime and
    /// recorded (`parameters.digits`), after checking that the runtime
    /// accepts its parameters (128-bit security unless explicitly insecure).
    /// - Throws: `HEError` for parameters the runtime rejects.
    public func recordingKeySwitchingLayout() throws -> Plan {
        var plan = self
        plan.parameters.digits = try CKKSParameters(parameters.literal).digitCount
        return plan
    }

    /// Whether the plan's actual parameters meet 128-bit security, derived
    /// from the ring and the primes every time (the plan's `insecure` flag is
    /// only what the compiler was asked for; a checksum is not a signature).
    public var meetsSecurityStandard: Bool {
        var literal = parameters.literal
        literal.insecure = false
        return (try? CKKSParameters(literal)) != nil
    }

    /// The Hamming weight of the ephemeral secret the plan's bootstraps
    /// encapsulate to (their keys are then part of the evaluation keys), or
    /// nil: no bootstraps, or ModRaise under the dense secret.
    public var encapsulationWeight: Int? { bootstrapSteps.first?.ephemeralSecretWeight }

    /// Whether any layer multiplies two ciphertexts (and so needs a
    /// relinearization key): a polynomial with products, or a bootstrap.
    public var needsRelinearization: Bool {
        layers.contains { layer in
            if case .polynomial(let poly) = layer { return !poly.schedule.products.isEmpty }
            if case .bootstrap = layer { return true }
            return false
        }
    }
}
