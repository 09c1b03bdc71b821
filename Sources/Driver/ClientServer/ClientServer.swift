internal import Foundation
internal import HepexcData
internal import HepexcInference
internal import HepexcPlan

/// Client and server as separate parties, through files:
/// `keygen` → `encrypt` (client) → `evaluate` (server) → `decrypt` (client).
/// Formats in docs/inference.md; the library underneath is `HepexcInference`.
public enum ClientServer {
    /// `hepexc keygen plan.hepx -o NAME` → `NAME.secret` (0600) and `NAME.evalkeys`.
    public struct KeygenRequest: Sendable {
        public var plan: String
        public var output: String
        public var allowInsecure = false
        public init(plan: String, output: String) { self.plan = plan; self.output = output }
    }

    public static func keygen(_ request: KeygenRequest) throws(DriverError) -> ClientServerReport {
        let plan = try ArtifactFiles.plan(request.plan, allowInsecure: request.allowInsecure)
        var report = ClientServerReport(command: "keygen", model: plan.model)
        var seconds = 0.0
        let (client, keys) = try timed(&seconds) { () throws(DriverError) in
            try ArtifactFiles.reading(request.plan) { () throws(InferenceError) in
                try InferenceClient.generateKeys(for: plan, threads: ProcessInfo.processInfo.activeProcessorCount)
            }
        }
        report.timings["keygen"] = seconds
        let secretPath = request.output + ".secret", keysPath = request.output + ".evalkeys"
        try OutputFile.write(Data(keys.serialized(for: client.prepared)), to: keysPath)
        try ArtifactFiles.writeSecret(client.secretKeyBytes(), to: secretPath)
        report.files = [secretPath: ArtifactFiles.size(secretPath), keysPath: ArtifactFiles.size(keysPath)]
        report.galoisKeys = keys.galoisKeys?.keys.count ?? 0
        report.relinearizationKey = keys.relinearizationKey != nil
        return report
    }

    /// `hepexc encrypt plan.hepx --secret NAME.secret --data x.npz -o x.hect`.
    public struct EncryptRequest: Sendable {
        public var plan: String
        public var secret: String
        public var data: DataRequest
        public var output: String
        public var allowInsecure = false
        public var clipInputs = false
        public init(plan: String, secret: String, data: DataRequest, output: String) {
            self.plan = plan; self.secret = secret; self.data = data; self.output = output
        }
    }

    public static func encrypt(_ request: EncryptRequest) throws(DriverError) -> ClientServerReport {
        let plan = try ArtifactFiles.plan(request.plan, allowInsecure: request.allowInsecure)
        let client = try loadClient(plan, secret: request.secret)
        let dataset = try request.data.load()
        var rows = try PlanRunner.featureRows(dataset, features: plan.inputFeatures)
        var report = ClientServerReport(command: "encrypt", model: plan.model)
        report.clippedInputs = try PlanRunner.admitInputs(&rows, plan: plan, clip: request.clipInputs)
        var seconds = 0.0
        let batch = try timed(&seconds) { () throws(DriverError) in
            try ArtifactFiles.reading(request.data.path) { () throws(InferenceError) in try client.encrypt(rows) }
        }
        report.timings["encrypt"] = seconds
        let bytes = try timed(&seconds) { () throws(DriverError) in batch.serialized(for: client.prepared) }
        report.timings["serialize"] = seconds
        try write(batch, bytes: bytes, to: request.output, into: &report)
        return report
    }

    /// `hepexc evaluate plan.hepx --eval-keys NAME.evalkeys x.hect -o y.hect` (the server).
    public struct EvaluateRequest: Sendable {
        public var plan: String
        public var evaluationKeys: String
        public var input: String
        public var output: String
        public var threads: Int?
        public var allowInsecure = false
        /// At most this many MiB of encoded weights kept (`--weight-cache-mib`).
        public var weightCacheMiB: Int?
        public init(plan: String, evaluationKeys: String, input: String, output: String, threads: Int? = nil) {
            self.plan = plan; self.evaluationKeys = evaluationKeys; self.input = input; self.output = output; self.threads = threads
        }
    }

    /// - Parameter progress: called with (batch tiles done, total) after each batch tile.
    public static func evaluate(_ request: EvaluateRequest,
                                progress: @escaping (Int, Int) -> Void = { _, _ in }) throws(DriverError) -> ClientServerReport {
        let plan = try ArtifactFiles.plan(request.plan, allowInsecure: request.allowInsecure)
        let threads = request.threads ?? ProcessInfo.processInfo.activeProcessorCount
        // Read the client's files first: a wrong file fails before the weights are encoded.
        let keyBytes = try ArtifactFiles.read(request.evaluationKeys)
        let inputBytes = try ArtifactFiles.read(request.input)
        var report = ClientServerReport(command: "evaluate", model: plan.model)
        var seconds = 0.0
        let server = try timed(&seconds) { () throws(DriverError) in
            try ArtifactFiles.reading(request.plan) { () throws(InferenceError) in try InferenceServer(plan: plan, threads: threads, weightCacheBytes: request.weightCacheMiB.map { $0 << 20 }) }
        }
        report.timings["encode_weights"] = seconds
        let keys = try timed(&seconds) { () throws(DriverError) in
            try ArtifactFiles.reading(request.evaluationKeys) { () throws(InferenceError) in try server.evaluationKeys(keyBytes) }
        }
        report.timings["load_keys"] = seconds
        let inputs = try timed(&seconds) { () throws(DriverError) in
            try ArtifactFiles.reading(request.input) { () throws(InferenceError) in try server.inputs(inputBytes) }
        }
        report.timings["load_inputs"] = seconds
        let results = try timed(&seconds) { () throws(DriverError) in
            try ArtifactFiles.reading(request.input) { () throws(InferenceError) in
                try server.evaluate(inputs, keys: keys, progress: progress)
            }
        }
        report.timings["evaluate"] = seconds
        try write(results, bytes: results.serialized(for: server.prepared), to: request.output, into: &report)
        return report
    }

    /// Writes a serialized ciphertext batch (atomically) and reports its counts and size.
    static func write(_ batch: CiphertextBatch, bytes: [UInt8], to path: String,
                      into report: inout ClientServerReport) throws(DriverError) {
        try OutputFile.write(Data(bytes), to: path)
        report.samples = batch.sampleCount
        report.batches = batch.batches.count
        report.ciphertexts = batch.ciphertextCount
        report.files = [path: bytes.count]
    }

    /// `hepexc decrypt plan.hepx --secret NAME.secret y.hect -o predictions.npz [--data x.npz]`.
    public struct DecryptRequest: Sendable {
        public var plan: String
        public var secret: String
        public var input: String
        public var output: String
        /// The plaintext data, to score the predictions and compare with the plaintext plan.
        public var data: DataRequest?
        public var allowInsecure = false
        public init(plan: String, secret: String, input: String, output: String, data: DataRequest? = nil) {
            self.plan = plan; self.secret = secret; self.input = input; self.output = output; self.data = data
        }
    }

    public static func decrypt(_ request: DecryptRequest) throws(DriverError) -> ClientServerReport {
        let plan = try ArtifactFiles.plan(request.plan, allowInsecure: request.allowInsecure)
        let client = try loadClient(plan, secret: request.secret)
        let bytes = try ArtifactFiles.read(request.input)
        var report = ClientServerReport(command: "decrypt", model: plan.model)
        var seconds = 0.0
        let outputs = try timed(&seconds) { () throws(DriverError) in
            try ArtifactFiles.reading(request.input) { () throws(InferenceError) in
                try client.decrypt(try CiphertextBatch(deserializing: bytes, for: client.prepared, stage: .output))
            }
        }
        report.timings["decrypt"] = seconds
        try PlanRunner.checkOutputs(outputs, plan: plan)
        if let data = request.data {
            let dataset = try data.load()
            guard dataset.count == outputs.count else {
                throw .dataMismatch("\(data.path) has \(dataset.count) samples but \(request.input) holds \(outputs.count)")
            }
            var rows = try PlanRunner.featureRows(dataset, features: plan.inputFeatures)
            _ = try PlanRunner.admitInputs(&rows, plan: plan, clip: true)
            let reference: [[Double]]
            do { reference = try PlanRunner.simulate(plan, rows: rows) } catch { throw DriverError(error) }
            report.maxAbsError = zip(outputs, reference).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
            let scores = PlanRunner.scores(outputs, dataset: dataset)
            (report.correct, report.accuracy, report.mse) = (scores.correct, scores.accuracy, scores.mse)
        }
        try ArtifactFiles.writePredictions(outputs, to: request.output)
        report.samples = outputs.count
        report.files = [request.output: ArtifactFiles.size(request.output)]
        return report
    }

    static func loadClient(_ plan: Plan, secret: String) throws(DriverError) -> InferenceClient {
        let bytes = try ArtifactFiles.read(secret)
        return try ArtifactFiles.reading(secret) { () throws(InferenceError) in
            try InferenceClient(plan: plan, secretKeyBytes: bytes, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
    }
}
