import Foundation
@testable import HepexcData
import ZIPFoundation

/// A fresh temporary directory per test, removed on deinit.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hepexc-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes bytes to `name` and returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try write(name, Data(bytes))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let path = path(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Hand-built byte layouts, independent of the code under test.
enum Bytes {
    /// A `.npy` file: magic, version, header padded to 64 bytes, payload.
    static func npy(header: String, payload: [UInt8], major: UInt8 = 1) -> [UInt8] {
        let prefixLength = major == 1 ? 10 : 12
        var headerBytes = Array(header.utf8)
        while (prefixLength + headerBytes.count + 1) % 64 != 0 { headerBytes.append(0x20) }
        headerBytes.append(0x0A)
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
        bytes += littleEndian(UInt32(headerBytes.count), count: major == 1 ? 2 : 4)
        return bytes + headerBytes + payload
    }

    static func npyHeader(_ descr: String, _ shape: String, fortran: Bool = false) -> String {
        "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
    }

    /// An idx file.
    static func idx(type: UInt8, shape: [UInt32], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
        for dimension in shape { bytes += bigEndian(dimension) }
        return bytes + payload
    }

    static func littleEndian(_ value: UInt32, count: Int = 4) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func floatLE(_ values: [Float]) -> [UInt8] {
        values.flatMap { littleEndian($0.bitPattern) }
    }

    static func floatBE(_ values: [Float]) -> [UInt8] {
        values.flatMap { bigEndian($0.bitPattern) }
    }

    /// A raw deflate stream made with ZIPFoundation's encoder.
    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = Data(bytes)
        var output = Data()
        _ = try Data.compress(size: Int64(input.count), bufferSize: 4096, provider: { position, size in
            input.subdata(in: Int(position)..<min(input.count, Int(position) + size))
        }, consumer: { output.append($0) })
        return [UInt8](output)
    }

    /// A gzip member built by hand around a raw deflate stream.
    static func gzip(_ bytes: [UInt8], name: String? = nil, comment: String? = nil, extra: [UInt8]? = nil,
                     headerCRC: Bool = false, crcOverride: UInt32? = nil, sizeOverride: UInt32? = nil) throws -> [UInt8] {
        var flags: UInt8 = 0
        if headerCRC { flags |= 0x02 }
        if extra != nil { flags |= 0x04 }
        if name != nil { flags |= 0x08 }
        if comment != nil { flags |= 0x10 }
        var header: [UInt8] = [0x1F, 0x8B, 8, flags, 0x12, 0x34, 0x56, 0x78, 0, 3]
        if let extra { header += littleEndian(UInt32(extra.count), count: 2) + extra }
        if let name { header += Array(name.utf8) + [0] }
        if let comment { header += Array(comment.utf8) + [0] }
        if headerCRC {
            let crc = Data(header).crc32(checksum: 0)
            header += littleEndian(crc & 0xFFFF, count: 2)
        }
        let crc = crcOverride ?? Data(bytes).crc32(checksum: 0)
        let size = sizeOverride ?? UInt32(truncatingIfNeeded: bytes.count)
        return header + (try deflate(bytes)) + littleEndian(crc) + littleEndian(size)
    }
}

/// Runs `body` and returns the `DataError` it throws, or `nil`.
func dataError(_ body: () throws -> some Any) -> DataError? {
    do {
        _ = try body()
        return nil
    } catch let error as DataError {
        return error
    } catch {
        return .unreadable(path: "unexpected error type", reason: "\(error)")
    }
}
