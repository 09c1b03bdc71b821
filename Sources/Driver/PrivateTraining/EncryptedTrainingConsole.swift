internal import Foundation

/// Standard-error output of `hepexc train-encrypted`: the per-epoch
/// progress bar (only on a terminal) and one-line errors.
public enum EncryptedTrainingConsole {
    /// A progress callback that redraws a bar on standard error, or nil when
    /// standard error is not a terminal.
    public static func progressBarIfTerminal() -> EncryptedTrainingRunner.Progress? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        let started = Date()
        return { epoch, epochs in
            let width = 24
            let filled = epochs > 0 ? epoch * width / epochs : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let elapsed = Date().timeIntervalSince(started)
            let eta = epoch > 0 ? elapsed / Double(epoch) * Double(epochs - epoch) : 0
            var line = String(format: "\r\u{1B}[Ktrain-encrypted epoch %d/%d %@ %.0fs, ETA %.0fs", epoch, epochs, bar, elapsed, eta)
            if epoch == epochs { line += "\n" }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
