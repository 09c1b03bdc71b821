import ArgumentParser
import HepexcDriver

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve plans over HTTP: clients upload evaluation keys and send ciphertexts (Hummingbird).",
        discussion: """
        Loads every plan and encodes its weights once at start. Routes: PUT /v1/keys?plan=NAME (body: \
        NAME.evalkeys; answers {"id": SHA-256}), GET /v1/keys/ID, POST /v1/plans/NAME/evaluate (header \
        X-Hepexc-Key-Id, body: x.hect; answers the results .hect), GET /healthz, GET /metrics (Prometheus). \
        A plan's NAME is its file name without .hepx. Keys live in --key-store (share it between replicas). \
        Errors are JSON {"error", "status"}. SIGTERM/SIGINT stop gracefully.
        """
    )

    @Argument(help: "The plans (.hepx) to serve.")
    var plans: [String]

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port (0: any free port).")
    var port = 8080

    @Option(name: .long, help: "Directory of uploaded evaluation keys (shared by replicas).")
    var keyStore: String

    @Option(name: .long, help: "Largest request body in MiB.")
    var maxBodyMib = 512

    @Option(name: .long, help: "Evaluations at once.")
    var maxConcurrent = 1

    @Option(name: .long, help: "Evaluations waiting for a slot; beyond them 503.")
    var maxQueued = 8

    @Option(name: .long, help: "Per-request evaluation timeout in seconds (504 after it).")
    var timeout = 300.0

    @Option(name: .long, help: "Worker threads per evaluation (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Keep at most this many MiB of encoded weight plaintexts per plan (the lowest-level layers first); the rest are encoded during each evaluation.")
    var weightCacheMib: Int?

    @Flag(name: .long, help: "Serve plans whose parameters are below 128-bit security (tests only).")
    var allowInsecure = false

    func validate() throws {
        if plans.isEmpty { throw ValidationError("give at least one plan") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be in 0…65535") }
        if maxBodyMib < 1 || maxConcurrent < 1 || maxQueued < 0 || !(timeout > 0) {
            throw ValidationError("--max-body-mib and --max-concurrent must be at least 1, --max-queued at least 0, --timeout positive")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let weightCacheMib, weightCacheMib < 0 || weightCacheMib > 1 << 40 { throw ValidationError("--weight-cache-mib must be between 0 and 2^40") }
    }

    func run() throws {
        var request = Serving.Request(plans: plans, keyStore: keyStore)
        (request.host, request.port, request.maxBodyMiB) = (host, port, maxBodyMib)
        (request.maxConcurrent, request.maxQueued, request.timeout) = (maxConcurrent, maxQueued, timeout)
        (request.threads, request.allowInsecure) = (threads, allowInsecure)
        request.weightCacheMiB = weightCacheMib
        try Console.runText { () throws(DriverError) in
            let host = request.host
            try Serving.run(request) { port in Console.progress("listening on \(host):\(port)") }
            return nil
        }
    }
}

struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Encrypt a data set, have a `hepexc serve` server evaluate it, decrypt into predictions.npz.",
        discussion: """
        Uploads NAME.evalkeys once (skipped if the server already holds them), sends --batch-tiles batch \
        tiles per request, retries connection failures and 502/503/504 with backoff (--retries), decrypts \
        and writes predictions.npz as `decrypt` does; with labels also reports accuracy.
        """
    )

    @Option(name: .long, help: "The server's base URL, e.g. http://127.0.0.1:8080.")
    var server: String

    @Argument(help: "The plan (.hepx), the same file the server serves.")
    var plan: String

    @Option(name: .long, help: "The plan's name on the server (default: the file name without .hepx).")
    var planName: String?

    @Option(name: .long, help: "The client's secret key (NAME.secret from keygen).")
    var secret: String

    @Option(name: .long, help: "The evaluation keys (default: NAME.evalkeys beside the secret).")
    var evalKeys: String?

    @Option(name: .long, help: "The data set (.npz, .npy, idx).")
    var data: String

    @Option(name: .long, help: "Only the first N samples.")
    var limit: Int?

    @Option(name: .shortAndLong, help: "The predictions to write (.npz).")
    var output: String

    @Option(name: .long, help: "Batch tiles (t3 samples each) per request.")
    var batchTiles = 4

    @Option(name: .long, help: "Retries per request on connection failures and 502/503/504.")
    var retries = 5

    @Flag(name: .long, help: "Clip input values outside the plan's input range instead of refusing them.")
    var clipInputs = false

    @OptionGroup var options: ClientServerOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if batchTiles < 1 || retries < 0 { throw ValidationError("--batch-tiles must be at least 1 and --retries at least 0") }
    }

    func run() throws {
        var request = RemoteInference.Request(server: server, plan: plan, secret: secret, data: DataRequest(path: data, limit: limit),
                                              output: output)
        request.planName = planName
        request.evaluationKeys = evalKeys
        request.batchTiles = batchTiles
        request.retries = retries
        request.clipInputs = clipInputs
        request.allowInsecure = options.allowInsecure
        try Console.run(json: options.output.json) { () throws(DriverError) in try RemoteInference.run(request) }
    }
}
