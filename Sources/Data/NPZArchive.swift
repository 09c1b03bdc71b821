import Foundation
import ZIPFoundation

/// An opened `.npz` archive: lists member keys and decodes members on demand,
/// so a loader can read `x` and `y` without decoding everything else.
struct NPZArchive {
    let source: String
    private let archive: Archive
    /// `.npy` members by key, in archive order.
    private let entries: [(key: String, entry: Entry)]

    /// Opens an archive file.
    ///
    /// The archive is read through a file handle: ZIPFoundation's in-memory
    /// archives trap on corrupt offsets, its file-backed ones fail cleanly.
    /// - Throws: ``DataError/fileNotFound(path:)``, ``DataError/notAZip(path:reason:)``.
    init(path: String) throws {
        let head = try DataFile.read(path: path).prefix(4)
        try self.init(url: URL(fileURLWithPath: path), head: [UInt8](head), source: path)
    }

    /// Opens an archive held in memory, via a temporary file that is
    /// unlinked as soon as it is open.
    ///
    /// - Throws: ``DataError/notAZip(path:reason:)``, ``DataError/unwritable(path:reason:)``.
    init(data: Data, source: String) throws {
        let head = [UInt8](data.prefix(4))
        try NPZArchive.checkSignature(head, source: source)
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("hepexc-npz-\(UUID().uuidString).zip")
        try DataFile.write(data, to: temporary.path, atomically: false)
        defer { try? FileManager.default.removeItem(at: temporary) }
        try self.init(url: temporary, head: head, source: source)
    }

    private init(url: URL, head: [UInt8], source: String) throws {
        self.source = source
        try NPZArchive.checkSignature(head, source: source)
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw DataError.notAZip(path: source, reason: "\(error)")
        }
        var entries: [(key: String, entry: Entry)] = []
        var seen = Set<String>()
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
            let key = String(entry.path.dropLast(4))
            guard seen.insert(key).inserted else {
                throw DataError.duplicate(path: source, what: "the member \(entry.path)")
            }
            entries.append((key, entry))
        }
        self.entries = entries
    }

    /// Throws unless `head` starts a zip file (a local header, or the
    /// end-of-directory record of an empty archive).
    private static func checkSignature(_ head: [UInt8], source: String) throws {
        guard head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06] else {
            throw DataError.notAZip(path: source, reason: "leading bytes \(DataError.hex(head)) are not a zip signature")
        }
    }

    /// The array keys (member names without `.npy`), in archive order.
    var keys: [String] { entries.map(\.key) }

    /// Decodes one member.
    ///
    /// - Returns: The array, or `nil` when no member has this key.
    /// - Throws: ``DataError`` — decompression, checksum or `.npy` errors.
    func array(named key: String) throws -> NumPyArray? {
        guard let entry = entries.first(where: { $0.key == key })?.entry else { return nil }
        return try NPY.read(data: memberData(entry, key: key), source: source, key: key)
    }

    /// Decodes every member.
    func readAll() throws -> [String: NumPyArray] {
        var arrays: [String: NumPyArray] = [:]
        for (key, _) in entries {
            arrays[key] = try array(named: key)
        }
        return arrays
    }

    /// The uncompressed bytes of a member, CRC-checked.
    private func memberData(_ entry: Entry, key: String) throws -> Data {
        var data = Data()
        // Decompression is bounded by the declared size (a member that
        // inflates past it is a lie) and by DataLimits.
        let declared = entry.uncompressedSize
        guard declared <= UInt64(DataLimits.maximumBytes) else {
            throw DataError.tooLarge(path: "\(source)[\(key)]", bytes: Int(clamping: declared), limit: DataLimits.maximumBytes)
        }
        data.reserveCapacity(Int(min(declared, 1 << 30)))
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                guard UInt64(data.count + chunk.count) <= declared else { throw Gzip.LimitExceeded() }
                data.append(chunk)
            }
        } catch is Gzip.LimitExceeded {
            throw DataError.corruptCompressedData(path: "\(source)[\(key)]", reason: "the member inflates past its declared \(declared) bytes")
        } catch {
            throw DataError.corruptCompressedData(path: "\(source)[\(key)]", reason: "cannot extract member: \(error)")
        }
        guard checksum == entry.checksum else {
            throw DataError.checksumMismatch(path: "\(source)[\(key)]", expected: entry.checksum, found: checksum)
        }
        return data
    }

    /// Builds a zip archive in memory from named members.
    ///
    /// - Throws: ``DataError/unwritable(path:reason:)`` if the zip writer fails.
    static func encode(members: [(name: String, data: Data)], deflate: Bool) throws -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for member in members {
                let bytes = member.data
                try archive.addEntry(with: member.name, type: .file, uncompressedSize: Int64(bytes.count),
                                     modificationDate: Date(timeIntervalSince1970: 315_532_800),
                                     compressionMethod: deflate ? .deflate : .none,
                                     bufferSize: 1 << 16) { position, size in
                    let lower = Int(position)
                    return bytes.subdata(in: lower..<min(bytes.count, lower + size))
                }
            }
            guard let data = archive.data else {
                throw DataError.unwritable(path: "<memory>", reason: "the zip writer produced no data")
            }
            return data
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError.unwritable(path: "<memory>", reason: "zip writer failed: \(error)")
        }
    }
}
