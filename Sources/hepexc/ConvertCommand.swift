import ArgumentParser
import Foundation
import HepexcDriver

/// `hepexc convert MODEL -o OUT.onnx`: writes any model hepexc can read as ONNX.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model (Keras .h5/.keras, ONNX, textual IR) to ONNX.",
        discussion: """
        The model is imported (and canonicalized unless --no-canonicalize), any --passes run, \
        and the result is written as an ONNX model (opset \(Conversion.opset), weights as raw data, \
        dynamic batch dimension) that onnxruntime loads. The output is written atomically.
        """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The ONNX file to write.", valueName: "out.onnx"))
    var output: String

    @Flag(name: .long, help: "Print a one-line summary of what was written to standard error.")
    var verbose = false

    func run() throws {
        try Console.runText { () throws(DriverError) in
            let summary = try Conversion.run(modelOptions.request, output: output)
            if verbose { Console.progress(summary) }
            return nil
        }
    }
}
