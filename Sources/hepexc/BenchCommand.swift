import ArgumentParser
import Foundation
import HepexcCKKS

/// `hepexc bench …`: repeatable performance measurements (release builds only mean anything).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the runtime.",
        subcommands: [BenchCKKS.self]
    )
}

/// `hepexc bench ckks`: median per-operation timings of the CKKS runtime.
struct BenchCKKS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ckks",
        abstract: "Median per-operation timings of the CKKS runtime (keygen, encode, encrypt, decrypt, add, ct×pt, ct×ct+relin, rescale, rotate, NTT).",
        discussion: """
        Parameters: Q = [60, 40 × (limbs − 1)] and P = [60 × special]. With --layout seal, one key-switching \
        digit per limb (SEAL's layout; --special must be 1); with --layout auto, the runtime picks the cheapest \
        hybrid layout within the 128-bit bound (--special and --digits then override it). Each round times every \
        operation (one warm-up, then at least --min-reps repetitions and about --target-seconds of work) and \
        keeps the median; the reported value is the median over rounds. Times are process CPU time (the robust \
        number on a shared machine; with more than one thread it sums the threads) and wall-clock time.
        """
    )

    @Option(name: .customLong("logn"), help: "log2 of the ring degree N.")
    var logN = 15
    @Option(help: "Ciphertext primes L (first 60-bit, the rest 40-bit).")
    var limbs = 20
    @Option(help: "Special primes (60-bit) for key switching.")
    var special: Int?
    @Option(help: "Key-switching digits (default: one per limb for seal, automatic for auto).")
    var digits: Int?
    @Option(help: "Key-switching layout: seal or auto.")
    var layout: BenchLayout = .seal
    @Option(help: "Worker threads.")
    var threads = 1
    @Option(help: "Rounds; the median over rounds is reported.")
    var rounds = 3
    @Option(help: "Minimum timed repetitions per operation and round.")
    var minReps = 5
    @Option(help: "Maximum timed repetitions per operation and round.")
    var maxReps = 200
    @Option(help: "Target timed seconds per operation and round.")
    var targetSeconds = 0.3
    @Option(help: "Operations to run, comma-separated (default all): keygen-relin, keygen-galois, encode, encrypt, decrypt, decrypt1, add, mulpt, mulrelin, tensor, relin, rescale, rotate, hoisted, ntt, or full row names.")
    var only: String?
    @Flag(help: "Allow parameters beyond the 128-bit security bound (for comparisons only).")
    var insecure = false
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard (2...16).contains(logN) else { throw ValidationError("--logn must be in 2…16") }
        guard limbs >= 1 else { throw ValidationError("--limbs must be at least 1") }
        guard threads >= 1, rounds >= 1, minReps >= 1, maxReps >= minReps else {
            throw ValidationError("--threads, --rounds, --min-reps must be ≥ 1 and --max-reps ≥ --min-reps")
        }
        if layout == .seal, let special, special != 1 { throw ValidationError("--layout seal uses exactly one special prime") }
    }

    func literal() -> CKKSParameters.Literal {
        let logQ = [60] + Array(repeating: 40, count: limbs - 1)
        switch layout {
        case .seal:
            return .init(logN: logN, logQ: logQ, logP: [60], logScale: 40, digits: digits ?? limbs, insecure: insecure)
        case .auto:
            return .init(logN: logN, logQ: logQ, logP: special.map { Array(repeating: 60, count: $0) } ?? [],
                         logScale: 40, digits: digits, insecure: insecure)
        }
    }

    func run() async throws {
        let parameters: CKKSParameters
        do { parameters = try CKKSParameters(literal()) } catch let error as HEError {
            throw ValidationError(error.description)
        }
        let selected = only.map { Set($0.split(separator: ",").map(String.init)) }
        let runner = BenchRunner(parameters: parameters, threads: threads, rounds: rounds, minReps: minReps,
                                 maxReps: maxReps, targetSeconds: targetSeconds, selected: selected)
        let report = try runner.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table())
        }
    }
}

enum BenchLayout: String, ExpressibleByArgument, Codable, Sendable {
    case seal, auto
}
