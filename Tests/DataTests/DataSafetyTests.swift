import Foundation
@testable import HepexcData
import Testing

/// Data files that mean two things, or that would inflate beyond their
/// declaration, are refused (issue 14 §5).
@Suite("Data safety")
struct DataSafetyTests {
    static let member = Data(Bytes.npy(header: Bytes.npyHeader("<f4", "(1,)"), payload: Bytes.floatLE([1])))

    @Test("an .npz with two members of the same name is refused")
    func duplicateMembers() throws {
        let archive = try NPZArchive.encode(members: [("x.npy", Self.member), ("x.npy", Self.member)], deflate: false)
        #expect {
            _ = try NPZ.read(data: archive, source: "twice.npz")
        } throws: { error in
            "\(error)".contains("twice") && "\(error)".contains("x.npy")
        }
    }

    @Test("an .npy header with a key twice is refused")
    func duplicateHeaderKey() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (2,), }"
        let bytes = Data(Bytes.npy(header: header, payload: Bytes.floatLE([1, 2])))
        #expect {
            _ = try NPY.read(data: bytes, source: "twice.npy")
        } throws: { error in
            "\(error)".contains("appears twice")
        }
    }

    @Test("the limit is documented and large enough for real data")
    func limitDefaults() {
        #expect(DataLimits.defaultMaximumBytes == 1 << 32)
        #expect(DataLimits.maximumBytes > 100 << 20)
    }
}
