internal import Foundation
internal import HepexcPasses

/// `hepexc demo`: import a bundled model, evaluate it in plaintext, then
/// compile it and run it on encrypted samples.
public enum Demo {
    /// The bundled models and their test splits (under `models/data/`).
    public static let bundledData = [
        "mnist_cryptonets": "mnist_test.npz",
        "mnist_mlp_square": "mnist_test.npz",
        "digits_mlp_square": "digits_test.npz",
        "mnist_autoencoder": "mnist_ae_test.npz",
    ]

    public struct Request: Sendable {
        public var model = "mnist_cryptonets"
        public var modelsDirectory = "models"
        public var tile: TileChoice = .fixed(t1: 16, t2: 16)
        /// Test samples to run encrypted (0: plaintext only).
        public var encryptedSamples = 32

        public init() {}

        /// - Throws: `DriverError.invalidOption` naming the offending option.
        public func validate() throws(DriverError) {
            guard Demo.bundledData[model] != nil else {
                throw .invalidOption("unknown bundled model '\(model)' (known: \(Demo.bundledData.keys.sorted().joined(separator: ", ")))")
            }
            if encryptedSamples < 0 { throw .invalidOption("--encrypted-samples must be 0 or more") }
            if tile.isAuto { throw .invalidOption("demo takes an explicit --tile, e.g. 16x16") }
            try tile.validate()
        }
    }

    public struct Outcome: CommandOutcome {
        public var summary: ModelSummary
        public var evaluation: EvaluationReport
        public var plan: PlanReport?
        public var encrypted: RunReport?

        public var text: String {
            var parts = [summary.text, "", evaluation.text]
            if let plan, let encrypted { parts += ["", plan.text, "", encrypted.text] }
            return parts.joined(separator: "\n")
        }
    }

    public static func run(_ request: Request) throws(DriverError) -> Outcome {
        try request.validate()
        let modelPath = "\(request.modelsDirectory)/\(request.model).onnx"
        let dataPath = "\(request.modelsDirectory)/data/\(bundledData[request.model] ?? "")"
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw .unsupportedModelFormat(path: modelPath, reason: "bundled model not found; run from the repository root or pass --models-directory")
        }
        let loaded = try ModelLoader.load(modelPath)
        let dataset = try DataRequest(path: dataPath).load()
        let evaluation = try Evaluator.evaluate(loaded.graph, on: dataset)
        var outcome = Outcome(summary: ModelSummary(loaded.graph), evaluation: evaluation)
        if request.encryptedSamples > 0, let (t1, t2) = request.tile.shapes.first {
            let (plan, _) = try PlanRunner.compile(modelPath, options: .init(t1: t1, t2: t2))
            outcome.plan = PlanReport(plan)
            outcome.encrypted = try PlanRunner.run(plan, on: dataset.prefix(request.encryptedSamples))
        }
        return outcome
    }
}
