/// Where a plan runs: under CKKS, or in the noise-free simulation that
/// tracks levels and scales the same way (exact op counts, no keys).
public enum ExecutionBackend: String, CaseIterable, Sendable, Codable {
    case ckks, simulated
}

/// `hepexc run`: encrypt a data set, execute a plan, decrypt and report.
public enum Execution {
    public struct Request: Sendable {
        /// The plan file (.hepx).
        public var plan: String
        public var data: DataRequest
        public var backend: ExecutionBackend
        /// Encrypt the weights too (the model owner's privacy).
        public var encryptWeights: Bool
        public var threads: Int?
        /// Run a plan whose parameters are below 128-bit security (tests only).
        public var allowInsecure: Bool
        /// Clip inputs outside the plan's input range instead of refusing them.
        public var clipInputs = false
        /// Write the decrypted outputs and argmax predictions here (`.npz`, as `hepexc decrypt`).
        public var predictions: String?
        /// When weight plaintexts are encoded (`--weights`).
        public var weights: WeightEncodingChoice = .auto
        /// At most this many MiB of cached weight plaintexts (`--weight-cache-mib`; implies cached).
        public var weightCacheMiB: Int?

        public init(plan: String, data: DataRequest, backend: ExecutionBackend = .ckks, encryptWeights: Bool = false,
                    threads: Int? = nil, allowInsecure: Bool = false) {
            self.allowInsecure = allowInsecure
            self.plan = plan
            self.data = data
            self.backend = backend
            self.encryptWeights = encryptWeights
            self.threads = threads
        }
    }

    public static func run(_ request: Request) throws(DriverError) -> RunReport {
        let plan = try PlanRunner.read(request.plan)
        if request.backend == .ckks, !request.allowInsecure, !plan.meetsSecurityStandard {
            let p = plan.parameters
            throw .insecureParameters("\(request.plan): N = 2^\(p.logN) with log2(QP) = \(p.logQ.reduce(0, +) + p.logP.reduce(0, +)) "
                                      + "is below 128-bit security; encrypting with it protects nothing (pass --allow-insecure for tests)")
        }
        let dataset = try request.data.load()
        let (report, outputs) = try PlanRunner.runCollectingOutputs(plan, on: dataset, backend: request.backend,
                                                                    encryptedWeights: request.encryptWeights,
                                                                    threads: request.threads, clipInputs: request.clipInputs,
                                                                    weights: request.weights, weightCacheMiB: request.weightCacheMiB)
        if let path = request.predictions { try ArtifactFiles.writePredictions(outputs, to: path) }
        return report
    }
}
