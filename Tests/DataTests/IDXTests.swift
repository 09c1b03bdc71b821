import Foundation
@testable import HepexcData
import Testing

@Suite("IDX")
struct IDXTests {
    @Test("known answer: uint8 images")
    func knownUInt8() throws {
        let bytes = Bytes.idx(type: 0x08, shape: [2, 2, 3], payload: Array(0..<12))
        let array = try IDX.read(data: Data(bytes))
        #expect(array.shape == [2, 2, 3] && array.dtype == .uint8)
        #expect(array.scalars == (0..<12).map(Double.init))
    }

    @Test("known answer: big-endian element types")
    func knownTypes() throws {
        let f32 = try IDX.read(data: Data(Bytes.idx(type: 0x0D, shape: [2], payload: Bytes.floatBE([0.5, -3]))))
        #expect(f32.scalars == [0.5, -3] && f32.dtype == .float32)
        let i16 = try IDX.read(data: Data(Bytes.idx(type: 0x0B, shape: [2], payload: [0x80, 0x00, 0x01, 0x02])))
        #expect(i16.scalars == [-32768, 258] && i16.dtype == .int16)
        let i32 = try IDX.read(data: Data(Bytes.idx(type: 0x0C, shape: [1], payload: [0xFF, 0xFF, 0xFF, 0xFE])))
        #expect(i32.scalars == [-2] && i32.dtype == .int32)
        let i8 = try IDX.read(data: Data(Bytes.idx(type: 0x09, shape: [2], payload: [0xFF, 0x05])))
        #expect(i8.scalars == [-1, 5])
        let f64 = try IDX.read(data: Data(Bytes.idx(type: 0x0E, shape: [1],
                                                    payload: [0x3F, 0xF8, 0, 0, 0, 0, 0, 0])))
        #expect(f64.scalars == [1.5] && f64.dtype == .float64)
    }

    @Test("gzip-compressed idx, from disk")
    func gzipped() throws {
        let directory = try TemporaryDirectory()
        let plain = Bytes.idx(type: 0x08, shape: [3], payload: [7, 8, 9])
        let path = try directory.write("labels-idx1-ubyte.gz", try Bytes.gzip(plain, name: "labels-idx1-ubyte"))
        #expect(try IDX.read(path: path).scalars == [7, 8, 9])
        let plainPath = try directory.write("labels-idx1-ubyte", plain)
        #expect(try IDX.read(path: plainPath).scalars == [7, 8, 9])
    }

    @Test("round trip through IDX.write, plain and .gz",
          arguments: [NumPyDType.uint8, .int8, .int16, .int32, .float32, .float64])
    func roundTrip(dtype: NumPyDType) throws {
        let array = NumPyArray(shape: [2, 1, 3], dtype: dtype, scalars: [0, 1, 2, 3, 4, 100])
        let directory = try TemporaryDirectory()
        for name in ["a.idx", "a.idx.gz"] {
            try IDX.write(array, to: directory.path(name))
            #expect(try IDX.read(path: directory.path(name)) == array)
        }
    }

    @Test("errors: magic, type, header, truncation, overflow, unsupported output dtype")
    func errors() {
        func read(_ bytes: [UInt8]) -> DataError? { dataError { try IDX.read(data: Data(bytes), source: "i") } }
        #expect(read([1, 0, 8, 1, 0, 0, 0, 0]) == .badMagic(path: "i", format: .idx, found: [1, 0, 8, 1]))
        #expect(read([0, 0, 0x0A, 1]) == .unsupportedDType(path: "i", key: nil, dtype: "idx type 0xa"))
        #expect(read([0, 0, 8, 3, 0, 0, 0, 1]) ==
            .malformedHeader(path: "i", key: nil, reason: "rank 3 needs a 16-byte header but the file has 8 bytes"))
        #expect(read(Bytes.idx(type: 0x0D, shape: [2, 2], payload: [0, 0, 0, 0])) ==
            .truncated(path: "i", key: nil, expectedBytes: 16, foundBytes: 4))
        let big: UInt32 = .max
        #expect(read(Bytes.idx(type: 0x0E, shape: [big, big, big], payload: [])) ==
            .shapeOverflow(path: "i", key: nil, shape: [Int(big), Int(big), Int(big)]))
        #expect(dataError { try IDX.encode(NumPyArray(shape: [1], dtype: .int64, scalars: [1])) }
            == .unsupportedDType(path: "<idx output>", key: nil, dtype: "int64"))
    }
}
