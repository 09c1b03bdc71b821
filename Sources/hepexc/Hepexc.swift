import ArgumentParser

/// The `hepexc` command: compile and run neural networks under CKKS.
@main
struct Hepexc: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hepexc",
        abstract: "Compile neural networks into packed CKKS plans and run them on encrypted data.",
        version: "0.1.0",
        subcommands: [Demo.self, Inspect.self, Eval.self, Opt.self, Convert.self, Compile.self, Run.self, Train.self, Bench.self, TrainEncrypted.self]
    )
}
