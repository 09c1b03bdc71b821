import ArgumentParser
import HepexcDriver

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
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
        let request = Evaluation.Request(model: modelOptions.request, data: dataOptions.request, batchSize: batchSize,
                                         threads: threads, output: outputName)
        try Console.run(json: output.json) { () throws(DriverError) in try Evaluation.run(request) }
    }
}
