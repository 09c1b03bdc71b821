import ArgumentParser
import HepexcDriver

/// `hepexc __probe-keras FILE`: imports a Keras/HDF5 file and exits 0, or
/// prints one error line and exits 1. Run as a child process by
/// `HDF5Isolation`, so that a crash inside libhdf5 kills only the child.
struct ProbeKerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "__probe-keras", shouldDisplay: false)

    @Argument var path: String
    @Option var config: String?

    func run() throws {
        HDF5Isolation.probeExecutable = nil
        try Console.runText { () throws(DriverError) in
            _ = try ModelRequest(path: path, config: config, canonicalize: false).load()
            return nil
        }
    }
}
