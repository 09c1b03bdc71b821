import ArgumentParser
import HepexcDriver

/// `hepexc bench bootstrap`: time, levels and precision of one CKKS bootstrap.
struct BenchBootstrapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Time, levels left, precision, key and peak memory of CKKS bootstrapping.",
        discussion: """
        Parameters: N = 2^logn, uniform ternary secret with sparse-secret encapsulation (ephemeral secret of \
        weight 32; --uniform-secret raises under the dense secret), Q = [55, 50 × (levels-after + 3), 60 × (EvalMod + 3)] \
        with key switching chosen automatically; 128-bit secure under the HE standard unless --insecure. \
        Keys and the linear transforms' plaintexts are made once; each repetition bootstraps one encryption of \
        uniform values in [−1, 1] at level 0. Precision: −log2 of the mean and of the largest absolute error.
        """
    )

    @Option(name: .customLong("logn"), help: "log2 of the ring degree N.")
    var logN = 16
    @Option(help: "Slots (power of two ≤ N/2; default full slots). Sparse inputs repeat with this period.")
    var slots: Int?
    @Option(help: "Levels left for the application after a bootstrap.")
    var levelsAfter = 4
    @Option(help: "Worker threads.")
    var threads = 1
    @Option(help: "Timed bootstraps.")
    var reps = 3
    @Flag(help: "Allow parameters beyond the 128-bit security bound (smoke runs only).")
    var insecure = false
    @Flag(help: "ModRaise under the uniform ternary secret itself (no sparse-secret encapsulation: K = 512).")
    var uniformSecret = false
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    var request: Benchmarking.BootstrapRequest {
        var request = Benchmarking.BootstrapRequest()
        request.logN = logN
        request.slots = slots
        request.levelsAfter = levelsAfter
        request.threads = threads
        request.repetitions = reps
        request.insecure = insecure
        request.sparseSecretEncapsulation = !uniformSecret
        return request
    }

    func validate() throws { try Console.validate { () throws(DriverError) in try request.validate() } }

    func run() throws {
        let request = request
        try Console.run(json: json) { () throws(DriverError) in try Benchmarking.bootstrap(request) }
    }
}
