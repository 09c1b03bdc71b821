import ArgumentParser
import HepexcDriver
import HepexcIR
import HepexcPasses

struct Opt: ParsableCommand {
    static let configuration = CommandConfiguration(
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
            for pass in PassRegistry.passes {
                print("\(pass.name): \(pass.summary)")
                for option in pass.optionHelp { print("    \(option.key): \(option.help)") }
            }
            for (alias, expansion) in PassRegistry.aliases.sorted(by: { $0.key < $1.key }) { print("\(alias): alias for \(expansion)") }
            return
        }
        try Console.run {
            guard let model else { return }
            var options = ModelOptions(model: model, passes: passes, noCanonicalize: true, printIrAfterAll: printIrAfterAll)
            options.model = model
            let loaded = try options.load()
            let text = loaded.graph.printed(PrintOptions(weights: weights ? .all : .elided(above: 16)))
            if let output { try Console.write(text, to: output) } else { print(text, terminator: "") }
        }
    }
}

extension ModelOptions {
    init(model: String, passes: String?, noCanonicalize: Bool, printIrAfterAll: Bool) {
        self.init()
        self.model = model
        self.passes = passes
        self.noCanonicalize = noCanonicalize
        self.printIrAfterAll = printIrAfterAll
        self.config = nil
    }
}
