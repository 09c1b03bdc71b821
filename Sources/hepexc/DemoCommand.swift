import ArgumentParser
import Foundation
import HepexcData
import HepexcDriver

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a bundled model, evaluate it in plaintext, then compile it and run it on encrypted samples.",
        discussion: """
        Looks for models/ in the current directory (run it from the repository root). Steps: import and \
        summarise the model; evaluate it on its whole bundled test split with the reference interpreter; \
        compile it to a 128-bit-secure CKKS plan (--tile); encrypt --encrypted-samples test samples, run \
        the plan and decrypt (0 skips the encrypted part).
        """
    )

    @Option(name: .long, help: "Bundled model name: mnist_cryptonets, mnist_mlp_square, digits_mlp_square, mnist_autoencoder.")
    var model: String = "mnist_cryptonets"

    @Option(name: .long, help: "The models/ directory.")
    var modelsDirectory: String = "models"

    @Option(name: .long, help: "Tile shape for the encrypted run.")
    var tile: TileArgument = TileArgument(argument: "16x16")!

    @Option(name: .long, help: "Test samples to run encrypted (0: plaintext only).")
    var encryptedSamples: Int = 32

    @OptionGroup var output: OutputOptions

    static let bundledData = [
        "mnist_cryptonets": "mnist_test.npz",
        "mnist_mlp_square": "mnist_test.npz",
        "digits_mlp_square": "digits_test.npz",
        "mnist_autoencoder": "mnist_ae_test.npz",
    ]

    func validate() throws {
        guard Self.bundledData[model] != nil else {
            throw ValidationError("unknown bundled model '\(model)' (known: \(Self.bundledData.keys.sorted().joined(separator: ", ")))")
        }
        if encryptedSamples < 0 { throw ValidationError("--encrypted-samples must be 0 or more") }
        if tile.isAuto { throw ValidationError("demo takes an explicit --tile, e.g. 16x16") }
    }

    struct Report: Encodable {
        var summary: ModelSummary
        var evaluation: EvaluationReport
        var plan: PlanReport?
        var encrypted: RunReport?
    }

    func run() throws {
        try Console.run {
            let modelPath = "\(modelsDirectory)/\(model).onnx"
            let dataPath = "\(modelsDirectory)/data/\(Self.bundledData[model] ?? "")"
            guard FileManager.default.fileExists(atPath: modelPath) else {
                throw DriverError.unsupportedModelFormat(path: modelPath, reason: "bundled model not found; run from the repository root or pass --models-directory")
            }
            let loaded = try ModelLoader.load(modelPath)
            let summary = ModelSummary(loaded.graph)
            let dataset = try DatasetLoader.load(path: dataPath)
            let evaluation = try Evaluator.evaluate(loaded.graph, on: dataset)
            var planReport: PlanReport?
            var encrypted: RunReport?
            if encryptedSamples > 0 {
                let (plan, _) = try PlanRunner.compile(modelPath, options: .init(t1: tile.t1, t2: tile.t2))
                planReport = PlanReport(plan)
                encrypted = try PlanRunner.run(plan, on: dataset.prefix(encryptedSamples))
            }
            if output.json {
                try Console.printJSON(Report(summary: summary, evaluation: evaluation, plan: planReport, encrypted: encrypted))
                return
            }
            print(summary.text)
            print("")
            print(evaluation.text)
            if let planReport, let encrypted {
                print("")
                print(planReport.text)
                print("")
                print(encrypted.text)
            }
        }
    }
}
