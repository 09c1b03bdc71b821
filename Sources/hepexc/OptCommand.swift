import ArgumentParser
import HepexcDriver

struct OptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opt",
        abstract: "Run a pass pipeline on a model and print (or write) the resulting textual IR.",
        discussion: "Pipelines are comma-separated pass names with options in braces: 'fuse-poly{max-degree=8},fold-bn'."
    )

    @Argument(help: "The model: .hepir textual IR or .onnx.")
    var model: String?

    @Option(name: .long, help: ArgumentHelp("The pass pipeline.", valueName: "pipeline"))
    var passes: String = ""

    @Option(name: .shortAndLong, help: "Write the IR here instead of standard output.")
    var output: String?

    @Flag(name: .long, help: "Print every weight value (needed to evaluate the result later).")
    var weights = false

    @Flag(name: .long, help: "Print the IR after every pass to standard error.")
    var printIrAfterAll = false

    @Flag(name: .long, help: "List the passes and their options, then exit.")
    var listPasses = false

    func validate() throws {
        if !listPasses && model == nil { throw ValidationError("Missing expected argument '<model>'") }
    }

    func run() throws {
        if listPasses {
            print(Optimization.passListing)
            return
        }
        guard let model else { return }
        let request = ModelRequest(path: model, passes: passes, canonicalize: false, printIRAfterAll: printIrAfterAll)
        try Console.runText { () throws(DriverError) in
            let text = try Optimization.run(request, weights: weights, output: output)
            return output == nil ? text : nil
        }
    }
}
