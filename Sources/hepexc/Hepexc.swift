import ArgumentParser
import HepexcDriver

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
                      CompileCommand.self, RunCommand.self, TrainCommand.self, TrainEncryptedCommand.self, BenchCommand.self,
                      ProbeKerasCommand.self, KeygenCommand.self, EncryptCommand.self, EvaluateCommand.self, DecryptCommand.self,
                      ServeCommand.self, InferCommand.self]
    )

    /// libhdf5 runs in a child process first (`HDF5Isolation`): the CLI
    /// probes with itself.
    static func main() {
        HDF5Isolation.useThisExecutableAsProbe()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
