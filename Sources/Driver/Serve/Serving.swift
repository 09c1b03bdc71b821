internal import Foundation
internal import HepexcInference
internal import HepexcServer

/// `hepexc serve plan.hepx [more] --port N --key-store DIR`: loads every
/// plan, encodes its weights once, and serves until SIGTERM/SIGINT.
public enum Serving {
    public struct Request: Sendable {
        public var plans: [String]
        public var host = "127.0.0.1"
        /// 0: any free port.
        public var port = 8080
        public var keyStore: String
        public var maxBodyMiB = 512
        public var maxConcurrent = 1
        public var maxQueued = 8
        public var timeout = 300.0
        /// Worker threads per evaluation (default: all cores).
        public var threads: Int?
        public var allowInsecure = false
        /// At most this many MiB of encoded weights per plan (`--weight-cache-mib`).
        public var weightCacheMiB: Int?
        public init(plans: [String], keyStore: String) { self.plans = plans; self.keyStore = keyStore }
    }

    /// Blocks while serving; `onRunning(port)` once it listens.
    public static func run(_ request: Request, onRunning: @escaping @Sendable (Int) -> Void = { _ in }) throws(DriverError) {
        var options = ServeOptions(plans: [], host: request.host, port: request.port, keyStore: request.keyStore,
                                   maxBodyBytes: request.maxBodyMiB << 20, maxConcurrent: request.maxConcurrent,
                                   maxQueued: request.maxQueued, timeoutSeconds: request.timeout,
                                   threads: request.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                   allowInsecure: request.allowInsecure)
        options.weightCacheBytes = request.weightCacheMiB.map { $0 << 20 }
        options.plans = request.plans.map { path in (URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, path) }
        let allowInsecure = options.allowInsecure
        do {
            let server = try InferenceHTTPServer(options: options) { path in
                do { return try ArtifactFiles.plan(path, allowInsecure: allowInsecure) } catch { throw error }
            }
            try Blocking.run { try await server.run { onRunning($0) } }
        } catch {
            throw DriverError(error)
        }
    }
}

/// `hepexc infer --server URL plan.hepx --secret NAME.secret --data x.npz -o predictions.npz`:
/// the client of `serve` — encrypt, upload the evaluation keys once, send
/// the batches (`--batch-tiles` per request), decrypt.
public enum RemoteInference {
    public struct Request: Sendable {
        public var server: String
        public var plan: String
        /// The plan's name on the server (default: the file's stem).
        public var planName: String?
        public var secret: String
        /// NAME.evalkeys (default: beside the secret, NAME.evalkeys).
        public var evaluationKeys: String?
        public var data: DataRequest
        public var output: String
        /// Batch tiles per request (each t3 samples).
        public var batchTiles = 4
        public var retries = 5
        public var allowInsecure = false
        public var clipInputs = false
        public init(server: String, plan: String, secret: String, data: DataRequest, output: String) {
            self.server = server; self.plan = plan; self.secret = secret; self.data = data; self.output = output
        }
    }

    public static func run(_ request: Request) throws(DriverError) -> ClientServerReport {
        guard let base = URL(string: request.server), base.scheme == "http" || base.scheme == "https" else {
            throw .invalidOption("--server must be an http:// or https:// URL, got \(request.server)")
        }
        guard request.batchTiles >= 1 else { throw .invalidOption("--batch-tiles must be at least 1") }
        let plan = try ArtifactFiles.plan(request.plan, allowInsecure: request.allowInsecure)
        let client = try ClientServer.loadClient(plan, secret: request.secret)
        let keysPath = request.evaluationKeys ?? (request.secret.hasSuffix(".secret")
            ? String(request.secret.dropLast(".secret".count)) + ".evalkeys" : request.secret + ".evalkeys")
        let keys = try ArtifactFiles.read(keysPath)
        _ = try ArtifactFiles.reading(keysPath) { () throws(InferenceError) in try EvaluationKeys(deserializing: keys, for: client.prepared) }
        let dataset = try request.data.load()
        var rows = try PlanRunner.featureRows(dataset, features: plan.inputFeatures)
        var report = ClientServerReport(command: "infer", model: plan.model)
        report.clippedInputs = try PlanRunner.admitInputs(&rows, plan: plan, clip: request.clipInputs)
        let name = request.planName ?? URL(fileURLWithPath: request.plan).deletingPathExtension().lastPathComponent
        let http = InferenceHTTPClient(baseURL: base, retries: request.retries)
        var seconds = 0.0
        let keyID = try timed(&seconds) { () throws(DriverError) in
            do { return try Blocking.run { try await http.upload(keys: keys, plan: name) } } catch { throw DriverError(error) }
        }
        report.timings["upload_keys"] = seconds
        let perRequest = request.batchTiles * plan.tile.t3
        var outputs: [[Double]] = []
        var (encrypt, remote, decrypt) = (0.0, 0.0, 0.0)
        var requests = 0
        for start in stride(from: 0, to: rows.count, by: perRequest) {
            let chunk = Array(rows[start..<min(rows.count, start + perRequest)])
            let inputs = try timed(&seconds) { () throws(DriverError) in
                try ArtifactFiles.reading(request.data.path) { () throws(InferenceError) in
                    try client.encrypt(chunk).serialized(for: client.prepared)
                }
            }
            encrypt += seconds
            let reply = try timed(&seconds) { () throws(DriverError) in
                do {
                    return try Blocking.run { try await http.evaluate(plan: name, keyID: keyID, keys: keys, inputs: inputs) }
                } catch { throw DriverError(error) }
            }
            remote += seconds
            requests += 1
            outputs += try timed(&seconds) { () throws(DriverError) in
                try ArtifactFiles.reading(request.server) { () throws(InferenceError) in
                    let results = try CiphertextBatch(deserializing: reply, for: client.prepared, stage: .output)
                    guard results.sampleCount == chunk.count else {
                        throw .mismatch("the server returned \(results.sampleCount) samples for \(chunk.count)")
                    }
                    return try client.decrypt(results)
                }
            }
            decrypt += seconds
        }
        report.timings["encrypt"] = encrypt
        report.timings["server"] = remote
        report.timings["decrypt"] = decrypt
        try PlanRunner.checkOutputs(outputs, plan: plan)
        let scores = PlanRunner.scores(outputs, dataset: dataset)
        (report.correct, report.accuracy, report.mse) = (scores.correct, scores.accuracy, scores.mse)
        try ArtifactFiles.writePredictions(outputs, to: request.output)
        report.samples = outputs.count
        report.batches = (outputs.count + plan.tile.t3 - 1) / plan.tile.t3
        report.requests = requests
        report.files = [request.output: ArtifactFiles.size(request.output)]
        return report
    }
}

