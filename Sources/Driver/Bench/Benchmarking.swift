public import HepexcBenchmarks
internal import HepexcCKKS

extension BenchReport: CommandOutcome {
    public var text: String { table() }
}

/// `hepexc bench ckks`: the runtime's per-operation benchmark
/// (``HepexcBenchmarks``), with parameters from the command line.
public enum Benchmarking {
    /// The key-switching layout of the benchmark's parameters.
    public enum Layout: String, CaseIterable, Sendable {
        /// One digit per limb and one special prime (SEAL's layout).
        case seal
        /// The runtime's cheapest hybrid layout within the 128-bit bound.
        case auto
    }

    public struct Request: Sendable {
        public var logN = 15
        /// Ciphertext primes (first 60-bit, the rest 40-bit).
        public var limbs = 20
        public var special: Int?
        public var digits: Int?
        public var layout: Layout = .seal
        public var threads = 1
        public var rounds = 3
        public var minReps = 5
        public var maxReps = 200
        public var targetSeconds = 0.3
        /// Operations to time (short or row names); `nil` times all.
        public var only: [String]?
        /// Allow parameters beyond the 128-bit bound (comparisons only).
        public var insecure = false

        public init() {}

        /// - Throws: `DriverError.invalidOption` naming the offending option.
        public func validate() throws(DriverError) {
            guard (2...16).contains(logN) else { throw .invalidOption("--logn must be in 2…16") }
            guard limbs >= 1 else { throw .invalidOption("--limbs must be at least 1") }
            guard threads >= 1, rounds >= 1, minReps >= 1, maxReps >= minReps else {
                throw .invalidOption("--threads, --rounds, --min-reps must be ≥ 1 and --max-reps ≥ --min-reps")
            }
            if layout == .seal, let special, special != 1 { throw .invalidOption("--layout seal uses exactly one special prime") }
            let unknown = (only ?? []).filter { BenchOperation(name: $0) == nil }
            if !unknown.isEmpty {
                throw .invalidOption("--only: unknown operation(s) \(unknown.joined(separator: ", ")) (known: "
                                     + BenchOperation.allCases.map(\.shortName).joined(separator: ", ") + ")")
            }
        }

        var literal: CKKSParameters.Literal {
            let logQ = [60] + Array(repeating: 40, count: limbs - 1)
            switch layout {
            case .seal:
                return .init(logN: logN, logQ: logQ, logP: [60], logScale: 40, digits: digits ?? limbs, insecure: insecure)
            case .auto:
                return .init(logN: logN, logQ: logQ, logP: special.map { Array(repeating: 60, count: $0) } ?? [],
                             logScale: 40, digits: digits, insecure: insecure)
            }
        }
    }

    /// Runs the benchmark.
    public static func ckks(_ request: Request) throws(DriverError) -> BenchReport {
        try request.validate()
        do {
            let parameters = try CKKSParameters(request.literal)
            let selected = request.only.map { Set($0.compactMap(BenchOperation.init(name:))) }
            return try BenchRunner(parameters: parameters, threads: request.threads, rounds: request.rounds,
                                   minReps: request.minReps, maxReps: request.maxReps, targetSeconds: request.targetSeconds,
                                   selected: selected).run()
        } catch {
            throw DriverError(error)
        }
    }
}
