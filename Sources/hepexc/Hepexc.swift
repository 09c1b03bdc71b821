import ArgumentParser

/// The `hepexc` command: compile and run neural networks under CKKS. Each
/// subcommand parses its options and calls one function of the application
/// layer (`HepexcDriver`); nothing else happens here.
@main
struct Hepexc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hepexc",
        abstract: "Compile neural networks into packed CKKS plans and run them on encrypted data.",
        version: "0.1.0",
        subcommands: [DemoCommand.self, InspectCommand.self, EvalCommand.self, OptCommand.self, ConvertCommand.self,
                      CompileCommand.self, RunCommand.self, TrainCommand.self, TrainEncryptedCommand.self, BenchCommand.self]
    )
}
