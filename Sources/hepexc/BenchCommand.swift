import ArgumentParser
import HepexcDriver

/// `hepexc bench …`: repeatable performance measurements (release builds only mean anything).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the runtime.",
        subcommands: [BenchCKKSCommand.self, BenchBootstrapCommand.self]
    )
}

/// `hepexc bench ckks`: median per-operation timings of the CKKS runtime.
struct BenchCKKSCommand: ParsableCommand {
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
    var layout: Benchmarking.Layout = .seal
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

    var request: Benchmarking.Request {
        var request = Benchmarking.Request()
        request.logN = logN
        request.limbs = limbs
        request.special = special
        request.digits = digits
        request.layout = layout
        request.threads = threads
        request.rounds = rounds
        request.minReps = minReps
        request.maxReps = maxReps
        request.targetSeconds = targetSeconds
        request.only = only.map { $0.split(separator: ",").map(String.init) }
        request.insecure = insecure
        return request
    }

    func validate() throws { try Console.validate { () throws(DriverError) in try request.validate() } }

    func run() throws {
        let request = request
        try Console.run(json: json) { () throws(DriverError) in try Benchmarking.ckks(request) }
    }
}
