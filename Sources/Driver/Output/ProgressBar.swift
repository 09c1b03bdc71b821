internal import Foundation

/// The progress bar every long command draws on standard error, only when
/// standard error is a terminal (a log or a pipe gets no control characters).
enum ProgressBar {
    static let width = 24

    /// `████····` for `fraction` ∈ [0, 1].
    static func bar(fraction: Double) -> String { bar(filled: Int(fraction * Double(width))) }

    /// The bar after `done` of `total` steps (full when `total` is 0).
    static func bar(done: Int, total: Int) -> String { bar(filled: total > 0 ? done * width / total : width) }

    static func bar(filled: Int) -> String {
        let filled = min(width, max(0, filled))
        return String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    }

    /// A callback `(done, total)` that redraws `LABEL done/total bar elapsed, ETA`
    /// in place (a newline when done), or nil when standard error is not a terminal.
    static func counterIfTerminal(label: String) -> (@Sendable (Int, Int) -> Void)? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        let started = Date()
        return { done, total in
            let bar = bar(done: done, total: total)
            let elapsed = Date().timeIntervalSince(started)
            let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
            var line = String(format: "\r\u{1B}[K%@ %d/%d %@ %.0fs, ETA %.0fs", label, done, total, bar, elapsed, eta)
            if done == total { line += "\n" }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
