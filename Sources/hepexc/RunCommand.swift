import ArgumentParser
import HepexcDriver

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Encrypt a data set, execute a plan under CKKS, decrypt and report.",
        discussion: """
        Acts as client and server in one process: generates keys (only the Galois keys the plan needs), \
        encodes and encrypts each batch in the plan's input layout, executes the plan, decrypts, and \
        reports accuracy (or MSE), max |encrypted − plaintext| against the same plan in exact arithmetic, \
        time per phase, peak memory and the HE operations executed. --backend simulated runs the plan \
        without encryption (fast, for checks). With --json: model, backend, samples, batch_ciphertexts, \
        accuracy, correct, mse, max_abs_error, timings, cpu_timings, peak_memory_bytes, ops, encrypted_weights, weight_encoding.
        """
    )

    @Argument(help: "The plan (.hepx).")
    var plan: String

    @Option(name: .long, help: "The data set (.npz, .npy, idx).")
    var data: String

    @Option(name: .long, help: "Evaluate only the first N samples.")
    var limit: Int?

    @Option(name: .long, help: "Where the plan runs: ckks (encrypted) or simulated (no encryption, exact op counts).")
    var backend: ExecutionBackend = .ckks

    @Flag(name: .long, help: "Encrypt the weights too (the model owner's privacy).")
    var encryptWeights = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Run a plan whose parameters are below 128-bit security (tests only).")
    var allowInsecure = false

    @Flag(name: .long, help: "Clip input values outside the plan's input range instead of refusing them.")
    var clipInputs = false

    @Option(name: [.customShort("o"), .long], help: "Write the decrypted outputs and argmax predictions here (.npz, as decrypt does).")
    var predictions: String?

    @Option(name: .long, help: "When weight plaintexts are encoded: cached (once, before the first batch), streamed (each just before use, least memory) or auto (streamed for one batch ciphertext, else cached).")
    var weights: WeightEncodingChoice = .auto

    @Option(name: .long, help: "Keep at most this many MiB of encoded weight plaintexts (the layers at the lowest levels first) and encode the rest on use; implies cached weights.")
    var weightCacheMib: Int?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let weightCacheMib {
            if weightCacheMib < 0 || weightCacheMib > 1 << 40 { throw ValidationError("--weight-cache-mib must be between 0 and 2^40") }
            if weights == .streamed { throw ValidationError("--weight-cache-mib keeps weights cached; it cannot go with --weights streamed") }
        }
    }

    func run() throws {
        var request = Execution.Request(plan: plan, data: DataRequest(path: data, limit: limit), backend: backend,
                                        encryptWeights: encryptWeights, threads: threads, allowInsecure: allowInsecure)
        request.clipInputs = clipInputs
        request.predictions = predictions
        request.weights = weights
        request.weightCacheMiB = weightCacheMib
        try Console.run(json: output.json) { () throws(DriverError) in try Execution.run(request) }
    }
}
