public import Foundation

/// Writing results: atomically, so a failure leaves nothing half-written.
public enum OutputFile {
    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws(DriverError) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .write(path: path, reason: error.localizedDescription)
        }
    }

    /// Writes `text` (UTF-8) to `path` atomically.
    public static func write(_ text: String, to path: String) throws(DriverError) {
        try write(Data(text.utf8), to: path)
    }
}
