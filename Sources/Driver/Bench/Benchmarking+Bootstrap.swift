public import HepexcBenchmarks
internal import HepexcCKKS

extension BootstrapBenchReport: CommandOutcome {
    public var text: String { table() }
}

extension Benchmarking {
    /// `hepexc bench bootstrap`'s options.
    public struct BootstrapRequest: Sendable {
        /// log2 of the ring degree (16: the default, 128-bit secure parameter set).
        public var logN = 16
        /// Slots (power of two ≤ N/2); `nil` = full slots.
        public var slots: Int?
        /// Levels left for the application after a bootstrap.
        public var levelsAfter = 4
        public var threads = 1
        public var repetitions = 3
        /// Allow parameters beyond the 128-bit bound (small smoke runs only).
        public var insecure = false
        /// ModRaise under an ephemeral weight-32 secret (the default); false: under the
        /// uniform ternary secret itself (K = 512 at N = 2^16).
        public var sparseSecretEncapsulation = true

        public init() {}

        /// - Throws: `DriverError.invalidOption` naming the offending option.
        public func validate() throws(DriverError) {
            guard (insecure ? 4...16 : 10...16).contains(logN) else {
                throw .invalidOption("--logn must be in \(insecure ? "4…16" : "10…16")")
            }
            if let slots, slots < 2 || slots > (1 << (logN - 1)) || slots & (slots - 1) != 0 {
                throw .invalidOption("--slots must be a power of two in 2…\(1 << (logN - 1))")
            }
            guard (0...30).contains(levelsAfter) else { throw .invalidOption("--levels-after must be in 0…30") }
            guard threads >= 1, repetitions >= 1 else { throw .invalidOption("--threads and --reps must be ≥ 1") }
        }
    }

    /// Runs the bootstrapping benchmark.
    public static func bootstrap(_ request: BootstrapRequest) throws(DriverError) -> BootstrapBenchReport {
        try request.validate()
        let settings = BootstrapParameters.standard(logN: request.logN, slots: request.slots,
                                                    sparseSecretEncapsulation: request.sparseSecretEncapsulation)
        // q_0/Δ: 2^5 at 2^15 slots, larger for fewer slots (larger coefficients, see docs/ckks.md).
        let ratio = min(10, max(5, 20 - settings.slots.trailingZeroBitCount))
        let literal = CKKSParameters.Literal.bootstrappable(logN: request.logN, levelsAfter: request.levelsAfter,
                                                           bootstrap: settings, logMessageRatio: ratio,
                                                           insecure: request.insecure)
        do {
            return try BootstrapBench(literal: literal, bootstrap: settings, threads: request.threads,
                                      repetitions: request.repetitions).run()
        } catch {
            throw DriverError(error)
        }
    }
}
