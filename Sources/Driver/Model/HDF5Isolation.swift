internal import Dispatch
internal import Foundation
internal import HepexcFrontend

/// libhdf5 1.10 itself crashes or spins on some corrupted files (about one
/// random mutation in 130). A crash inside a C library must not take hepexc
/// down, so before the process reads a Keras/HDF5 file in itself, a child
/// process (`hepexc __probe-keras FILE`) imports it first, under a time limit
/// and an address-space limit; only if the child succeeds does the parent
/// read the file. A child killed by a signal or the limits becomes a
/// one-line error.
public enum HDF5Isolation {
    /// The executable that runs the probe (set by the CLI to itself; `nil`
    /// in library use and tests, where files are read in process).
    nonisolated(unsafe) public static var probeExecutable: String?
    /// Makes the running executable (the `hepexc` CLI) the probe.
    public static func useThisExecutableAsProbe() {
        let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        probeExecutable = resolved ?? CommandLine.arguments.first
    }

    /// The probe's wall-clock limit.
    public static let timeLimitSeconds = 120.0
    /// The probe's address-space limit (KiB for `ulimit -v`): 8 GiB.
    public static let memoryLimitKiB = 8 << 20

    /// Imports the file in a child process first when isolation is on.
    /// - Throws: `DriverError.frontend(.malformed)` when the child crashes,
    ///   runs out of time or memory; the child's own one-line error when it
    ///   refuses the file.
    static func probe(_ path: String, configPath: String?) throws(DriverError) {
        guard let executable = probeExecutable else { return }
        try run(executable: executable, arguments: ["__probe-keras", path] + (configPath.map { ["--config", $0] } ?? []),
                path: path)
    }

    /// Runs `executable arguments` under the limits and maps its end to an error.
    static func run(executable: String, arguments: [String], path: String,
                    timeLimit: Double = timeLimitSeconds) throws(DriverError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The shell sets the limit, then becomes the probe.
        process.arguments = ["-c", "ulimit -v \(memoryLimitKiB) 2>/dev/null; exec \"$0\" \"$@\"", executable] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            throw .internalError("cannot start the HDF5 probe \(executable): \(error.localizedDescription)")
        }
        if finished.wait(timeout: .now() + timeLimit) == .timedOut {
            process.terminate()
            throw .frontend(.malformed(path: path, reason: "reading the HDF5 file did not finish within \(Int(timeLimit)) s (corrupt file)"))
        }
        // The child has ended: its standard error is complete (one line).
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0):
            return
        case (.uncaughtSignal, let signal):
            throw .frontend(.malformed(path: path, reason: "libhdf5 crashed reading the file (signal \(signal)): it is corrupt"))
        case (.exit, _):
            let text = String(decoding: message, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            // The child's own one-line error, as the parent would have said it.
            let reason = text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text
            if reason.isEmpty { throw .frontend(.malformed(path: path, reason: "the HDF5 probe failed")) }
            throw .execution(reason)
        @unknown default:
            throw .frontend(.malformed(path: path, reason: "the HDF5 probe ended unexpectedly"))
        }
    }
}
