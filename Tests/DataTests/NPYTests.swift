import Foundation
@testable import HepexcData
import HepexcIR
import Testing

@Suite("NPY")
struct NPYTests {
    @Test("known answer: little-endian float32 [2, 3]")
    func knownFloat32() throws {
        let bytes = Bytes.npy(header: Bytes.npyHeader("<f4", "(2, 3)"),
                              payload: Bytes.floatLE([1, -2, 0.5, 3.25, 0, 1e-3]))
        let array = try NPY.read(data: Data(bytes))
        #expect(array.shape == [2, 3])
        #expect(array.dtype == .float32)
        #expect(array.scalars == [1, -2, 0.5, 3.25, 0, Double(Float(1e-3))])
        let tensor = array.tensor()
        #expect(tensor.elementType == .f32 && tensor.shape == [2, 3])
    }

    @Test("known answer: big-endian types")
    func knownBigEndian() throws {
        let f4 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader(">f4", "(2,)"),
                                                   payload: Bytes.floatBE([1.5, -4]))))
        #expect(f4.scalars == [1.5, -4] && f4.dtype == .float32)
        let i2 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader(">i2", "(2,)"),
                                                   payload: [0xFF, 0xFE, 0x01, 0x00])))
        #expect(i2.scalars == [-2, 256] && i2.dtype == .int16)
        let f8 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader(">f8", "(1,)"),
                                                   payload: [0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18])))
        #expect(f8.scalars == [3.141592653589793] && f8.dtype == .float64)
        #expect(f8.tensor().elementType == .f64)
        let i8 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader(">i8", "(1,)"),
                                                   payload: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF9])))
        #expect(i8.scalars == [-7])
        let i4 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader(">i4", "(1,)"),
                                                   payload: [0x00, 0x01, 0x00, 0x00])))
        #expect(i4.scalars == [65536])
    }

    @Test("known answer: one-byte types")
    func knownBytes() throws {
        let u1 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("|u1", "(3,)"), payload: [0, 128, 255])))
        #expect(u1.scalars == [0, 128, 255] && u1.dtype == .uint8)
        let i1 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("|i1", "(3,)"), payload: [0, 128, 255])))
        #expect(i1.scalars == [0, -128, -1] && i1.dtype == .int8)
        let b1 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("|b1", "(3,)"), payload: [0, 1, 1])))
        #expect(b1.scalars == [0, 1, 1] && b1.dtype == .bool)
        let i8 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("<i8", "(1,)"),
                                                   payload: [0xF9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])))
        #expect(i8.scalars == [-7] && i8.dtype == .int64)
    }

    @Test("Fortran order is transposed to row-major")
    func fortranOrder() throws {
        // Column-major [[1, 2, 3], [4, 5, 6]] is stored as 1 4 2 5 3 6.
        let bytes = Bytes.npy(header: Bytes.npyHeader("<f4", "(2, 3)", fortran: true),
                              payload: Bytes.floatLE([1, 4, 2, 5, 3, 6]))
        let array = try NPY.read(data: Data(bytes))
        #expect(array.scalars == [1, 2, 3, 4, 5, 6])
        // Rank 3: element [i, j, k] sits at i + 2j + 4k in Fortran order.
        let shape = [2, 2, 3]
        var fortran = [Float](repeating: 0, count: 12)
        for i in 0..<2 { for j in 0..<2 { for k in 0..<3 { fortran[i + 2 * j + 4 * k] = Float(100 * i + 10 * j + k) } } }
        let cube = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("<f4", "(2, 2, 3)", fortran: true),
                                                     payload: Bytes.floatLE(fortran))))
        #expect(cube.shape == shape)
        #expect(cube.scalars == [0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112])
    }

    @Test("0-d arrays and empty arrays")
    func zeroDimensional() throws {
        let scalar = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("<f8", "()"),
                                                       payload: withUnsafeBytes(of: (2.5).bitPattern.littleEndian, Array.init))))
        #expect(scalar.shape == [] && scalar.scalars == [2.5])
        let empty = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("<f4", "(0, 5)"), payload: [])))
        #expect(empty.shape == [0, 5] && empty.scalars.isEmpty)
        let roundTrip = try NPY.read(data: NPY.encode(scalar))
        #expect(roundTrip == scalar)
    }

    @Test("format versions 2.0 and 3.0, double quotes, Python 2 longs")
    func versions() throws {
        let v2 = try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader("<f4", "(1,)"),
                                                   payload: Bytes.floatLE([7]), major: 2)))
        #expect(v2.scalars == [7])
        let v3 = try NPY.read(data: Data(Bytes.npy(header: "{\"descr\": \"<u1\", \"shape\": (2L,), \"fortran_order\": False}",
                                                   payload: [3, 4], major: 3)))
        #expect(v3.scalars == [3, 4])
    }

    @Test("round trip for every dtype", arguments: NumPyDType.allCases)
    func roundTrip(dtype: NumPyDType) throws {
        let values: [Double]
        switch dtype {
        case .bool: values = [0, 1, 1, 0, 1, 0]
        case .uint8, .uint16, .uint32, .uint64: values = [0, 1, 2, 100, 200, 255]
        case .int8, .int16, .int32, .int64: values = [-128, -1, 0, 1, 42, 127]
        case .float32: values = [-1.5, 0, 0.25, 3, Double(Float(0.1)), Double(Float(1e30))]
        case .float64: values = [-1.5, 0, 0.1, 3, 1e-300, 1e300]
        }
        let array = NumPyArray(shape: [2, 3], dtype: dtype, scalars: values)
        let data = try NPY.encode(array)
        #expect(data.count % 64 == (6 * dtype.itemSize) % 64, "header is padded to 64 bytes")
        let header = String(decoding: data.prefix(64), as: UTF8.self)
        #expect(header.contains("'descr': '\(dtype.descriptor)'"))
        #expect(try NPY.read(data: data) == array)

        let directory = try TemporaryDirectory()
        let path = directory.path("a.npy")
        try NPY.write(array, to: path)
        #expect(try NPY.read(path: path) == array)
    }

    @Test("large integers and extreme values survive")
    func extremes() throws {
        let array = NumPyArray(shape: [3], dtype: .int64, scalars: [-9_223_372_036_854_775_808.0, 9_007_199_254_740_992.0, -5.0])
        #expect(try NPY.read(data: NPY.encode(array)) == array)
        let floats = NumPyArray(shape: [3], dtype: .float32, scalars: [.infinity, -.infinity, 0])
        #expect(try NPY.read(data: NPY.encode(floats)) == floats)
    }

    @Test("writing refuses values the dtype cannot hold")
    func notRepresentable() {
        let fractional = NumPyArray(shape: [2], dtype: .int64, scalars: [1, 1.5])
        #expect(dataError { try NPY.encode(fractional) } == .valueNotRepresentable(dtype: .int64, index: 1, value: "1.5"))
        let outOfRange = NumPyArray(shape: [1], dtype: .uint8, scalars: [256])
        #expect(dataError { try NPY.encode(outOfRange) } == .valueNotRepresentable(dtype: .uint8, index: 0, value: "256.0"))
    }

    @Test("header errors")
    func headerErrors() {
        let source = "t.npy"
        func read(_ bytes: [UInt8]) -> DataError? { dataError { try NPY.read(data: Data(bytes), source: source) } }
        #expect(read(Array("PK\u{3}\u{4}abcd".utf8)) == .badMagic(path: source, format: .npy, found: [0x50, 0x4B, 3, 4, 0x61, 0x62]))
        #expect(read([]) == .badMagic(path: source, format: .npy, found: []))
        #expect(read([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1]) ==
            .malformedHeader(path: source, key: nil, reason: "file ends inside the preamble"))
        #expect(read([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 4, 0, 0, 0]) ==
            .malformedHeader(path: source, key: nil, reason: "unsupported format version 4.0"))
        #expect(read([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 200, 0, 0x7B]) ==
            .malformedHeader(path: source, key: nil, reason: "header length 200 exceeds the 1 bytes left in the file"))
        if case .malformedHeader = read(Bytes.npy(header: "{'descr': '<f4', 'shape': (2,), }", payload: [])) {} else {
            Issue.record("missing fortran_order not reported")
        }
        if case .malformedHeader = read(Bytes.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
                                                  payload: [])) {} else {
            Issue.record("negative dimension not reported")
        }
        if case .malformedHeader = read(Bytes.npy(header: "{'descr': '<f4', 'fortran_order': Fals", payload: [])) {} else {
            Issue.record("broken literal not reported")
        }
    }

    @Test("dtype errors: unsupported, structured, object")
    func dtypeErrors() {
        func read(_ descr: String) -> DataError? {
            dataError { try NPY.read(data: Data(Bytes.npy(header: Bytes.npyHeader(descr, "(1,)"), payload: [0, 0])), source: "d.npy") }
        }
        #expect(read("<U5") == .unsupportedDType(path: "d.npy", key: nil, dtype: "<U5"))
        #expect(read("<f2") == .unsupportedDType(path: "d.npy", key: nil, dtype: "<f2"))
        #expect(read("<c16") == .unsupportedDType(path: "d.npy", key: nil, dtype: "<c16"))
        #expect(read("|O") == .objectArray(path: "d.npy", key: nil))
        let structured = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }"
        #expect(dataError { try NPY.read(data: Data(Bytes.npy(header: structured, payload: [])), source: "d.npy") }
            == .unsupportedDType(path: "d.npy", key: nil, dtype: "[('a', '<f4'), ('b', '<i4')]"))
    }

    @Test("truncated payloads and overflowing shapes")
    func truncatedAndOverflow() {
        let short = Bytes.npy(header: Bytes.npyHeader("<f4", "(2, 3)"), payload: Bytes.floatLE([1, 2, 3]))
        #expect(dataError { try NPY.read(data: Data(short), source: "s.npy") }
            == .truncated(path: "s.npy", key: nil, expectedBytes: 24, foundBytes: 12))
        let huge = Bytes.npy(header: Bytes.npyHeader("<f8", "(4294967296, 4294967296)"), payload: [])
        #expect(dataError { try NPY.read(data: Data(huge), source: "h.npy") }
            == .shapeOverflow(path: "h.npy", key: nil, shape: [4_294_967_296, 4_294_967_296]))
        // Element count fits, byte count does not.
        let bytesOverflow = Bytes.npy(header: Bytes.npyHeader("<f8", "(2305843009213693952,)"), payload: [])
        #expect(dataError { try NPY.read(data: Data(bytesOverflow), source: "h.npy") }
            == .shapeOverflow(path: "h.npy", key: nil, shape: [2_305_843_009_213_693_952]))
    }

    @Test("missing file")
    func missingFile() {
        #expect(dataError { try NPY.read(path: "/nonexistent/x.npy") } == .fileNotFound(path: "/nonexistent/x.npy"))
    }

    @Test("tensor conversion")
    func tensorConversion() {
        let ints = NumPyArray(shape: [2], dtype: .int32, scalars: [16_777_217, 3])
        #expect(ints.tensor().elementType == .f32)
        #expect(ints.tensor().scalars == [16_777_216, 3], "f32 tensors hold Float-representable values")
        #expect(ints.tensor(elementType: .i64).scalars == [16_777_217, 3])
        let tensor = Tensor(shape: [1, 2], scalars: [1, 2], elementType: .f64)
        #expect(NumPyArray(tensor).dtype == .float64)
        #expect(NumPyArray(tensor).tensor() == tensor)
    }
}
