public import Foundation
import ZIPFoundation

/// The gzip container (RFC 1952) around a raw deflate stream.
///
/// The container is parsed here; the deflate stream itself is inflated and
/// produced by ZIPFoundation's raw-deflate codec. Only single-member files
/// are supported (what `gzip` and Python's `gzip` module write).
public enum Gzip {
    /// The two identification bytes, `1f 8b`.
    public static let magic: [UInt8] = [0x1F, 0x8B]

    /// Header flag bits (RFC 1952 §2.3.1).
    struct Flags: OptionSet {
        let rawValue: UInt8
        static let text = Flags(rawValue: 0x01)
        static let headerCRC = Flags(rawValue: 0x02)
        static let extra = Flags(rawValue: 0x04)
        static let name = Flags(rawValue: 0x08)
        static let comment = Flags(rawValue: 0x10)
        static let reserved = Flags(rawValue: 0xE0)
    }

    /// Decompresses a gzip file held in memory.
    ///
    /// Parses the header (skipping `FEXTRA`, `FNAME` and `FCOMMENT`, and
    /// checking the `FHCRC` header CRC when present), inflates the deflate
    /// stream, and checks the trailer's CRC-32 and ISIZE.
    /// - Parameters:
    ///   - data: The complete gzip file.
    ///   - source: The path (or description) used in error messages.
    /// - Returns: The decompressed bytes.
    /// - Throws: ``DataError`` — `badMagic`, `malformedHeader`,
    ///   `corruptCompressedData`, `checksumMismatch` or `sizeMismatch`.
    public static func decompress(_ data: Data, source: String = "<memory>") throws -> Data {
        let bytes = [UInt8](data.prefix(10))
        guard bytes.count >= 2, bytes[0] == magic[0], bytes[1] == magic[1] else {
            throw DataError.badMagic(path: source, format: .gzip, found: Array(bytes.prefix(2)))
        }
        func malformed(_ reason: String) -> DataError {
            DataError.malformedHeader(path: source, key: nil, reason: reason)
        }
        guard bytes.count == 10 else { throw malformed("file ends inside the 10-byte gzip header") }
        guard bytes[2] == 8 else { throw malformed("compression method \(bytes[2]) is not deflate (8)") }
        let flags = Flags(rawValue: bytes[3])
        guard flags.isDisjoint(with: .reserved) else {
            throw malformed("reserved flag bits are set (FLG = 0x\(String(bytes[3], radix: 16)))")
        }

        let start = data.startIndex
        var position = 10
        func byte(at offset: Int) throws -> UInt8 {
            guard offset < data.count else { throw malformed("file ends inside the gzip header") }
            return data[start + offset]
        }
        if flags.contains(.extra) {
            let length = Int(try byte(at: position)) | Int(try byte(at: position + 1)) << 8
            position += 2 + length
        }
        for flag in [Flags.name, Flags.comment] where flags.contains(flag) {
            while try byte(at: position) != 0 { position += 1 }
            position += 1
        }
        if flags.contains(.headerCRC) {
            let stored = UInt16(try byte(at: position)) | UInt16(try byte(at: position + 1)) << 8
            let computed = UInt16(truncatingIfNeeded: data.prefix(position).crc32(checksum: 0))
            guard stored == computed else {
                throw DataError.checksumMismatch(path: source, expected: UInt32(stored), found: UInt32(computed))
            }
            position += 2
        }
        guard data.count - position >= 8 else { throw malformed("file ends before the 8-byte gzip trailer") }

        let trailer = [UInt8](data.suffix(8))
        let storedCRC = littleEndianUInt32(trailer[0..<4])
        let storedSize = littleEndianUInt32(trailer[4..<8])
        let payload = data[(start + position)..<(start + data.count - 8)]
        let output = try Gzip.inflate(payload, sizeHint: Int(storedSize), source: source)

        let computedCRC = output.crc32(checksum: 0)
        guard computedCRC == storedCRC else {
            throw DataError.checksumMismatch(path: source, expected: storedCRC, found: computedCRC)
        }
        let computedSize = UInt32(truncatingIfNeeded: output.count)
        guard computedSize == storedSize else {
            throw DataError.sizeMismatch(path: source, expected: storedSize, found: computedSize)
        }
        return output
    }

    /// Compresses bytes into a minimal gzip file (no name, no flags, OS 255).
    ///
    /// - Parameter data: The bytes to compress.
    /// - Returns: The gzip file.
    /// - Throws: ``DataError/corruptCompressedData(path:reason:)`` if the
    ///   deflate encoder fails.
    public static func compress(_ data: Data) throws -> Data {
        var output = Data([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF])
        let input = Data(data)
        do {
            _ = try Data.compress(size: Int64(input.count), bufferSize: 1 << 16, provider: { position, size in
                let lower = Int(position)
                return input.subdata(in: lower..<min(input.count, lower + size))
            }, consumer: { chunk in
                output.append(chunk)
            })
        } catch {
            throw DataError.corruptCompressedData(path: "<gzip output>", reason: "deflate failed: \(error)")
        }
        for value in [input.crc32(checksum: 0), UInt32(truncatingIfNeeded: input.count)] {
            output.append(contentsOf: [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF),
                                       UInt8(value >> 16 & 0xFF), UInt8(value >> 24)])
        }
        return output
    }

    /// The stream ran out before its final block.
    private struct EndOfInput: Error {}

    /// Inflates a raw deflate stream.
    ///
    /// The whole stream is handed to the codec as one chunk. ZIPFoundation's
    /// zlib loop (Linux) assumes every input chunk is exactly `bufferSize`
    /// bytes and loops forever on an empty one, so the buffer is sized to the
    /// input and the provider throws when asked for more: a truncated stream
    /// fails instead of over-reading or hanging. Output arrives in chunks of
    /// the same size; deflate expands at most ~1032:1, which bounds the number
    /// of chunks.
    static func inflate(_ payload: Data, sizeHint: Int, source: String) throws -> Data {
        let input = Data(payload)
        guard !input.isEmpty else {
            throw DataError.corruptCompressedData(path: source, reason: "the deflate stream is empty")
        }
        var output = Data()
        let (bound, overflow) = input.count.multipliedReportingOverflow(by: 1032)
        output.reserveCapacity(min(sizeHint, overflow ? sizeHint : bound + 64))
        #if canImport(Darwin)
        // Apple's Compression finalizes on the first chunk shorter than the buffer.
        let bufferSize = input.count + 1
        #else
        let bufferSize = input.count
        #endif
        do {
            _ = try Data.decompress(size: Int64(input.count), bufferSize: bufferSize, skipCRC32: true,
                                    provider: { position, size in
                let lower = Int(position)
                guard lower < input.count else {
                    #if canImport(Darwin)
                    return Data()
                    #else
                    throw EndOfInput()
                    #endif
                }
                return input.subdata(in: lower..<min(input.count, lower + size))
            }, consumer: { chunk in
                guard output.count + chunk.count <= DataLimits.maximumBytes else { throw LimitExceeded() }
                output.append(chunk)
            })
        } catch is LimitExceeded {
            throw DataError.tooLarge(path: source, bytes: output.count + 1, limit: DataLimits.maximumBytes)
        } catch is EndOfInput {
            throw DataError.corruptCompressedData(path: source, reason: "deflate stream ends before its final block")
        } catch {
            throw DataError.corruptCompressedData(path: source, reason: "invalid deflate stream")
        }
        return output
    }

    /// Thrown from the consumer when the output would pass ``DataLimits``.
    struct LimitExceeded: Error {}

    static func littleEndianUInt32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
