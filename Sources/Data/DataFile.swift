import Foundation

/// File-system access shared by the readers and writers, mapping Foundation
/// errors onto ``DataError``.
enum DataFile {
    /// Reads a whole file (memory-mapped when the system allows).
    ///
    /// - Throws: ``DataError/fileNotFound(path:)`` or ``DataError/unreadable(path:reason:)``.
    static func read(path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw DataError.unreadable(path: path, reason: "is a directory") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw DataError.unreadable(path: path, reason: DataFile.reason(error))
        }
    }

    /// Whether a regular file exists at `path`.
    static func exists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Writes `data`, replacing any existing file (atomically by default:
    /// through a temporary file and a rename).
    ///
    /// - Throws: ``DataError/unwritable(path:reason:)``.
    static func write(_ data: Data, to path: String, atomically: Bool = true) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: atomically ? .atomic : [])
        } catch {
            throw DataError.unwritable(path: path, reason: DataFile.reason(error))
        }
    }

    /// A short, single-line reason for a Foundation error.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(describing: POSIXError(code)).replacingOccurrences(of: "\n", with: " ")
        }
        return error.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
}
