public import Foundation

/// Reading and writing NumPy `.npz` archives: zip files whose members are
/// `.npy` files (`numpy.savez` stores them, `numpy.savez_compressed`
/// deflates them). Keys are member names without the `.npy` suffix.
public enum NPZ {
    /// How members are stored when writing.
    public enum Compression: Sendable, Hashable {
        /// Uncompressed, like `numpy.savez`.
        case stored
        /// Deflated, like `numpy.savez_compressed`.
        case deflated
    }

    /// Reads every array of an `.npz` archive.
    ///
    /// Members whose names do not end in `.npy` (and directories) are ignored.
    /// - Parameter path: The archive.
    /// - Returns: The arrays by key.
    /// - Throws: ``DataError`` — `fileNotFound`, `notAZip`,
    ///   `corruptCompressedData`, `checksumMismatch`, or any `.npy` error
    ///   naming the member's key.
    public static func read(path: String) throws -> [String: NumPyArray] {
        try NPZArchive(path: path).readAll()
    }

    /// Reads every array of an `.npz` archive held in memory.
    ///
    /// - Parameters:
    ///   - data: The archive bytes.
    ///   - source: The path (or description) used in error messages.
    /// - Returns: The arrays by key.
    /// - Throws: ``DataError`` as for ``read(path:)``.
    public static func read(data: Data, source: String = "<memory>") throws -> [String: NumPyArray] {
        try NPZArchive(data: data, source: source).readAll()
    }

    /// Lists the array keys of an `.npz` archive without decoding them.
    ///
    /// - Parameter path: The archive.
    /// - Returns: The keys in archive order.
    /// - Throws: ``DataError`` — `fileNotFound` or `notAZip`.
    public static func keys(path: String) throws -> [String] {
        try NPZArchive(path: path).keys
    }

    /// Writes arrays as an `.npz` archive, replacing any existing file.
    ///
    /// - Parameters:
    ///   - arrays: The arrays by key; each is stored as member `key.npy`.
    ///   - path: The destination.
    ///   - compression: ``Compression/stored`` (default) or ``Compression/deflated``.
    /// - Throws: ``DataError`` — `valueNotRepresentable` (see
    ///   ``NPY/encode(_:)``), `unwritable`.
    public static func write(_ arrays: [String: NumPyArray], to path: String,
                             compression: Compression = .stored) throws {
        let data: Data
        do {
            data = try encode(arrays, compression: compression)
        } catch DataError.unwritable(_, let reason) {
            throw DataError.unwritable(path: path, reason: reason)
        }
        try DataFile.write(data, to: path)
    }

    /// Encodes arrays as the bytes of an `.npz` archive (members in key order).
    ///
    /// - Parameters:
    ///   - arrays: The arrays by key.
    ///   - compression: How to store members.
    /// - Returns: The archive bytes.
    /// - Throws: ``DataError`` — `valueNotRepresentable`, or `unwritable`
    ///   if the zip writer fails.
    public static func encode(_ arrays: [String: NumPyArray], compression: Compression = .stored) throws -> Data {
        var members: [(name: String, data: Data)] = []
        for key in arrays.keys.sorted() {
            guard let array = arrays[key] else { continue }
            members.append((key + ".npy", try NPY.encode(array)))
        }
        return try NPZArchive.encode(members: members, deflate: compression == .deflated)
    }
}
