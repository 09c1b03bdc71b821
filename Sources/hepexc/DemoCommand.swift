import ArgumentParser
import Foundation
import HepexcData
import HepexcDriver

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a bundled model, show its summary and evaluate it on its bundled test split.",
        discussion: "Looks for models/ in the current directory (run it from the repository root)."
    )

    @Option(name: .long, help: "Bundled model name: mnist_cryptonets, mnist_mlp_square, digits_mlp_square, mnist_autoencoder.")
    var model: String = "mnist_cryptonets"

    @Option(name: .long, help: "The models/ directory.")
    var modelsDirectory: String = "models"

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
    }

    struct Report: Encodable {
        var summary: ModelSummary
        var evaluation: EvaluationReport
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
            if output.json {
                try Console.printJSON(Report(summary: summary, evaluation: evaluation))
                return
            }
            print(summary.text)
            print("")
            print(evaluation.text)
        }
    }
}
