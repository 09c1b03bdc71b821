import Foundation
@testable import HepexcData
import Testing

@Suite("NPZ")
struct NPZTests {
    static let arrays: [String: NumPyArray] = {
        var arrays: [String: NumPyArray] = [:]
        for (index, dtype) in NumPyDType.allCases.enumerated() {
            let values: [Double] = dtype == .bool ? [1, 0, 1, 1] : [0, 1, Double(index), 7]
            arrays["a_\(dtype.name)"] = NumPyArray(shape: [2, 2], dtype: dtype, scalars: values)
        }
        arrays["scalar"] = NumPyArray(shape: [], dtype: .float64, scalars: [0.1])
        arrays["empty"] = NumPyArray(shape: [0], dtype: .float32, scalars: [])
        return arrays
    }()

    @Test("round trip, stored and deflated", arguments: [NPZ.Compression.stored, .deflated])
    func roundTrip(compression: NPZ.Compression) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("a.npz")
        try NPZ.write(NPZTests.arrays, to: path, compression: compression)
        #expect(try NPZ.read(path: path) == NPZTests.arrays)
        #expect(Set(try NPZ.keys(path: path)) == Set(NPZTests.arrays.keys))
        // Writing again replaces the file.
        try NPZ.write(["x": NumPyArray(shape: [1], dtype: .float32, scalars: [1])], to: path, compression: compression)
        #expect(try NPZ.keys(path: path) == ["x"])
    }

    @Test("deflated members are actually compressed")
    func deflatedIsSmaller() throws {
        let big = ["x": NumPyArray(shape: [4096], dtype: .float32, scalars: Array(repeating: 0.5, count: 4096))]
        let stored = try NPZ.encode(big, compression: .stored)
        let deflated = try NPZ.encode(big, compression: .deflated)
        #expect(deflated.count * 10 < stored.count)
        #expect(try NPZ.read(data: deflated) == big)
    }

    @Test("not a zip")
    func notAZip() throws {
        let npy = try NPY.encode(NumPyArray(shape: [1], dtype: .float32, scalars: [1]))
        guard case .notAZip(path: "f.npz", _)? = dataError({ try NPZ.read(data: npy, source: "f.npz") }) else {
            Issue.record("npy bytes accepted as npz")
            return
        }
        // A zip signature with no valid directory.
        guard case .notAZip? = dataError({ try NPZ.read(data: Data([0x50, 0x4B, 3, 4, 0, 0, 0])) }) else {
            Issue.record("broken zip accepted")
            return
        }
    }

    @Test("member errors name the key; object arrays refused")
    func memberErrors() throws {
        let objectMember = Data(Bytes.npy(header: Bytes.npyHeader("|O", "(1,)"), payload: [0x80, 0x02]))
        let zip = try NPZArchive.encode(members: [("obj.npy", objectMember)], deflate: false)
        #expect(dataError { try NPZ.read(data: zip, source: "o.npz") } == .objectArray(path: "o.npz", key: "obj"))
        let truncated = Data(Bytes.npy(header: Bytes.npyHeader("<f4", "(4,)"), payload: [0, 0, 0, 0]))
        let zip2 = try NPZArchive.encode(members: [("x.npy", truncated), ("notes.txt", Data("hi".utf8))], deflate: true)
        #expect(dataError { try NPZ.read(data: zip2, source: "t.npz") }
            == .truncated(path: "t.npz", key: "x", expectedBytes: 16, foundBytes: 4))
    }

    @Test("corrupt member data is caught, never crashes")
    func corruptMembers() throws {
        let arrays = ["x": NumPyArray(shape: [64], dtype: .float32, scalars: (0..<64).map(Double.init))]
        for compression in [NPZ.Compression.stored, .deflated] {
            let zip = try NPZ.encode(arrays, compression: compression)
            // Corrupt bytes inside the first member's data (after the 30-byte local header and name).
            for offset in stride(from: 40, to: 120, by: 9) {
                var bytes = [UInt8](zip)
                bytes[offset] ^= 0xA5
                let result = dataError { try NPZ.read(data: Data(bytes)) }
                #expect(result != nil, "corruption at \(offset) (\(compression)) went unnoticed")
            }
        }
    }
}
