import ArgumentParser
import HepexcData
import HepexcDriver

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model in plaintext with the float reference interpreter.",
        discussion: """
        Reports accuracy when the data has class labels, MSE against float targets, or the \
        reconstruction MSE against the inputs when it has neither (autoencoders). Data: .npz \
        (inputs `x`, labels `y`), .npy, or MNIST idx files (labels found next to the images); \
        see docs/data.md. With --json: task, model, data, output, samples, accuracy, correct, \
        mse, seconds, notes.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var dataOptions: DataOptions

    @Option(name: .long, help: "Samples per interpreter call.")
    var batchSize: Int = 256

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .customLong("output"), help: "Which model output to score (default: the first).")
    var outputName: String?

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try Console.run {
            let loaded = try modelOptions.load()
            let dataset = try dataOptions.load()
            let report = try Evaluator.evaluate(loaded.graph, on: dataset, output: outputName,
                                                batchSize: batchSize, threads: threads)
            if output.json { try Console.printJSON(report) } else { print(report.text) }
        }
    }
}
