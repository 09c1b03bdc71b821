import ArgumentParser
import HepexcDriver

/// Options every client/server command shares.
struct ClientServerOptions: ParsableArguments {
    @Flag(name: .long, help: "Use a plan whose parameters are below 128-bit security (tests only).")
    var allowInsecure = false

    @OptionGroup var output: OutputOptions
}

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a client's keys for a plan: NAME.secret (mode 0600) and NAME.evalkeys.",
        discussion: """
        The secret key stays with the client. NAME.evalkeys holds what the server needs and nothing \
        more: the relinearization key (if the plan multiplies ciphertexts) and the Galois keys of \
        exactly the plan's rotations. Both files are bound to the plan (parameter and plan hash). \
        With --json: command, model, files (path → bytes), timings, galois_keys, relinearization_key.
        """
    )

    @Argument(help: "The plan (.hepx).")
    var plan: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Output name: writes NAME.secret and NAME.evalkeys.", valueName: "name"))
    var output: String

    @OptionGroup var options: ClientServerOptions

    func run() throws {
        var request = ClientServer.KeygenRequest(plan: plan, output: output)
        request.allowInsecure = options.allowInsecure
        try Console.run(json: options.output.json) { () throws(DriverError) in try ClientServer.keygen(request) }
    }
}

struct EncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a data set for a plan with the client's secret key (labels stay with the client).",
        discussion: """
        Writes a ciphertext batch (.hect): t3 samples per batch tile in the plan's input layout, the \
        sample count, bound to the plan. With --json: command, model, samples, batches, ciphertexts, \
        files, timings, clipped_inputs.
        """
    )

    @Argument(help: "The plan (.hepx).")
    var plan: String

    @Option(name: .long, help: "The client's secret key (NAME.secret from keygen).")
    var secret: String

    @Option(name: .long, help: "The data set (.npz, .npy, idx).")
    var data: String

    @Option(name: .long, help: "Encrypt only the first N samples.")
    var limit: Int?

    @Option(name: .shortAndLong, help: "The ciphertext batch to write (.hect).")
    var output: String

    @Flag(name: .long, help: "Clip input values outside the plan's input range instead of refusing them.")
    var clipInputs = false

    @OptionGroup var options: ClientServerOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var request = ClientServer.EncryptRequest(plan: plan, secret: secret, data: DataRequest(path: data, limit: limit), output: output)
        request.allowInsecure = options.allowInsecure
        request.clipInputs = clipInputs
        try Console.run(json: options.output.json) { () throws(DriverError) in try ClientServer.encrypt(request) }
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a plan on a client's ciphertexts with its evaluation keys (the server's side).",
        discussion: """
        Needs no secret key and refuses one. Encodes the plan's weights, checks that the evaluation keys \
        and ciphertexts were made for this plan, evaluates every batch tile (a progress bar on a terminal) \
        and writes the results (.hect). With --json: command, model, samples, batches, ciphertexts, files, \
        timings (encode_weights, load_keys, load_inputs, evaluate).
        """
    )

    @Argument(help: "The plan (.hepx).")
    var plan: String

    @Option(name: .long, help: "The client's evaluation keys (NAME.evalkeys from keygen).")
    var evalKeys: String

    @Argument(help: "The encrypted inputs (.hect from encrypt).")
    var input: String

    @Option(name: .shortAndLong, help: "The results to write (.hect).")
    var output: String

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Keep at most this many MiB of encoded weight plaintexts per plan (the lowest-level layers first); the rest are encoded during each evaluation.")
    var weightCacheMib: Int?

    @OptionGroup var options: ClientServerOptions

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let weightCacheMib, weightCacheMib < 0 || weightCacheMib > 1 << 40 { throw ValidationError("--weight-cache-mib must be between 0 and 2^40") }
    }

    func run() throws {
        var request = ClientServer.EvaluateRequest(plan: plan, evaluationKeys: evalKeys, input: input, output: output, threads: threads)
        request.allowInsecure = options.allowInsecure
        request.weightCacheMiB = weightCacheMib
        let progress = options.output.json ? { _, _ in } : ClientServer.progressBarIfTerminal()
        try Console.run(json: options.output.json) { () throws(DriverError) in try ClientServer.evaluate(request, progress: progress) }
    }
}

struct DecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a server's results into predictions.npz (outputs and argmax predictions, in sample order).",
        discussion: """
        predictions.npz holds `outputs` (float64 [samples, outputs]: logits or regression outputs) and \
        `predictions` (int64 [samples], the argmax of each row). With --data (the plaintext data set that \
        was encrypted) also reports accuracy (or MSE) and max |encrypted − plaintext| against the plan in \
        exact arithmetic. With --json: command, model, samples, files, timings, accuracy, correct, mse, max_abs_error.
        """
    )

    @Argument(help: "The plan (.hepx).")
    var plan: String

    @Option(name: .long, help: "The client's secret key (NAME.secret from keygen).")
    var secret: String

    @Argument(help: "The results (.hect from evaluate).")
    var input: String

    @Option(name: .shortAndLong, help: "The predictions to write (.npz).")
    var output: String

    @Option(name: .long, help: "The plaintext data set, to score the predictions.")
    var data: String?

    @Option(name: .long, help: "With --data: the first N samples (as given to encrypt --limit).")
    var limit: Int?

    @OptionGroup var options: ClientServerOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var request = ClientServer.DecryptRequest(plan: plan, secret: secret, input: input, output: output,
                                                  data: data.map { DataRequest(path: $0, limit: limit) })
        request.allowInsecure = options.allowInsecure
        try Console.run(json: options.output.json) { () throws(DriverError) in try ClientServer.decrypt(request) }
    }
}
