import Foundation
@testable import HepexcData
import Testing

@Suite("Gzip")
struct GzipTests {
    let sample: [UInt8] = Array("The quick brown fox jumps over the lazy dog. ".utf8) + (0..<2000).map { UInt8($0 % 251) }

    @Test("hand-built gzip round trip")
    func roundTrip() throws {
        let file = try Bytes.gzip(sample)
        #expect(try Gzip.decompress(Data(file)) == Data(sample))
    }

    @Test("optional header fields: FEXTRA, FNAME, FCOMMENT, FHCRC")
    func headerFields() throws {
        let file = try Bytes.gzip(sample, name: "sample.bin", comment: "a comment", extra: [1, 2, 3, 4], headerCRC: true)
        #expect(try Gzip.decompress(Data(file)) == Data(sample))
    }

    @Test("empty payload")
    func emptyPayload() throws {
        #expect(try Gzip.decompress(Data(Bytes.gzip([]))) == Data())
    }

    @Test("compress produces a file decompress accepts")
    func compressRoundTrip() throws {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 >> 3) })
        let compressed = try Gzip.compress(data)
        #expect(compressed.count < data.count)
        #expect(try Gzip.decompress(compressed) == data)
    }

    @Test("CRC-32 mismatch is rejected")
    func crcMismatch() throws {
        let good = Data(sample).crc32(checksum: 0)
        let file = try Bytes.gzip(sample, crcOverride: good ^ 1)
        #expect(dataError { try Gzip.decompress(Data(file), source: "c.gz") }
            == .checksumMismatch(path: "c.gz", expected: good ^ 1, found: good))
    }

    @Test("ISIZE mismatch is rejected")
    func sizeMismatch() throws {
        let file = try Bytes.gzip(sample, sizeOverride: 5)
        #expect(dataError { try Gzip.decompress(Data(file), source: "s.gz") }
            == .sizeMismatch(path: "s.gz", expected: 5, found: UInt32(sample.count)))
    }

    @Test("header CRC mismatch is rejected")
    func headerCRCMismatch() throws {
        var file = try Bytes.gzip(sample, name: "n", headerCRC: true)
        file[12] ^= 0xFF  // first byte of the stored header CRC (10 header bytes + "n\0")
        guard case .checksumMismatch(path: "h.gz", _, _)? = dataError({ try Gzip.decompress(Data(file), source: "h.gz") }) else {
            Issue.record("header CRC mismatch not reported")
            return
        }
    }

    @Test("malformed headers")
    func malformed() throws {
        #expect(dataError { try Gzip.decompress(Data([0x1F, 0x8C, 8, 0]), source: "m.gz") }
            == .badMagic(path: "m.gz", format: .gzip, found: [0x1F, 0x8C]))
        #expect(dataError { try Gzip.decompress(Data([0x1F, 0x8B, 8, 0]), source: "m.gz") }
            == .malformedHeader(path: "m.gz", key: nil, reason: "file ends inside the 10-byte gzip header"))
        var wrongMethod = try Bytes.gzip(sample)
        wrongMethod[2] = 7
        #expect(dataError { try Gzip.decompress(Data(wrongMethod), source: "m.gz") }
            == .malformedHeader(path: "m.gz", key: nil, reason: "compression method 7 is not deflate (8)"))
        var reserved = try Bytes.gzip(sample)
        reserved[3] = 0x20
        if case .malformedHeader? = dataError({ try Gzip.decompress(Data(reserved)) }) {} else {
            Issue.record("reserved flag bits not reported")
        }
        // FNAME set but the name never ends.
        let unterminated: [UInt8] = [0x1F, 0x8B, 8, 0x08, 0, 0, 0, 0, 0, 3, 0x61, 0x62]
        #expect(dataError { try Gzip.decompress(Data(unterminated), source: "m.gz") }
            == .malformedHeader(path: "m.gz", key: nil, reason: "file ends inside the gzip header"))
    }

    @Test("truncated and corrupt deflate streams fail cleanly")
    func corruptStreams() throws {
        let file = try Bytes.gzip(sample)
        // Cut the deflate stream in half but keep a plausible 8-byte trailer.
        let truncated = Array(file[0..<(file.count / 2)]) + Array(file.suffix(8))
        if case .corruptCompressedData? = dataError({ try Gzip.decompress(Data(truncated)) }) {} else {
            Issue.record("truncated stream not reported as corrupt: \(String(describing: dataError({ try Gzip.decompress(Data(truncated)) })))")
        }
        // Flip bytes through the stream: every variant must throw, never crash or hang.
        for offset in stride(from: 10, to: file.count - 8, by: 7) {
            var corrupt = file
            corrupt[offset] ^= 0x5A
            #expect(dataError { try Gzip.decompress(Data(corrupt)) } != nil)
        }
        // Only a header and trailer.
        let empty: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + [0, 0, 0, 0, 0, 0, 0, 0]
        if case .corruptCompressedData? = dataError({ try Gzip.decompress(Data(empty)) }) {} else {
            Issue.record("missing deflate stream not reported")
        }
    }
}
