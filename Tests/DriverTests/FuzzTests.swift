import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Bounded mutation fuzzing of every parser that reads files (issue 14):
/// random byte flips, truncations and duplicated chunks of committed seed
/// files must give a thrown error or a valid result — never a crash, a hang
/// or an unbounded allocation. CI runs `HEPEXC_FUZZ_ITERATIONS` (default 60)
/// mutations per seed; `scripts/fuzz.sh` runs many more.
@Suite struct FuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["HEPEXC_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 60

    /// Deterministic mutations of `seed` (SplitMix64 from a fixed seed).
    static func mutations(of seed: Data, count: Int, salt: UInt64) -> [Data] {
        var rng = SplitMix64(seed: 0xF022 ^ salt)
        let bytes = [UInt8](seed)
        return (0..<count).map { _ in
            var mutated = bytes
            switch Int.random(in: 0..<4, using: &rng) {
            case 0, 1:
                for _ in 0..<Int.random(in: 1...8, using: &rng) where !mutated.isEmpty {
                    mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case 2:
                mutated = Array(mutated.prefix(Int.random(in: 0...mutated.count, using: &rng)))
            default:
                guard !mutated.isEmpty else { break }
                let start = Int.random(in: 0..<mutated.count, using: &rng)
                let end = min(mutated.count, start + Int.random(in: 1...64, using: &rng))
                mutated.insert(contentsOf: mutated[start..<end], at: Int.random(in: 0...mutated.count, using: &rng))
            }
            return Data(mutated)
        }
    }

    static func seed(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: TestPaths.path(path))) }

    @Test(arguments: ["Tests/FrontendTests/Fixtures/onnx/ops_pow.onnx", "Tests/FrontendTests/Fixtures/onnx/helper_conv_bn.onnx"])
    func onnxImport(seed path: String) throws {
        var refused = 0
        for bytes in Self.mutations(of: try Self.seed(path), count: Self.iterations, salt: 1) {
            do {
                let graph = try ONNXImporter.importModel(bytes: bytes, path: "fuzz.onnx", baseDirectory: nil)
                try graph.verify()
            } catch {
                refused += 1
                #expect(!DriverError(error).userMessage().contains("\n"))
            }
        }
        #expect(refused > 0)
    }

    @Test func planFiles() throws {
        var refused = 0
        for bytes in Self.mutations(of: try Self.seed("Tests/ExecutorTests/Fixtures/digits_mlp_square_2x32.v2.hepx"),
                                    count: Self.iterations * 2, salt: 2) {
            do { _ = try Plan(serialized: bytes) } catch { refused += 1 }
        }
        #expect(refused > 0)
    }

    @Test func dataFiles() throws {
        let npz = try Self.seed("models/data/digits_test.npz")
        let npy = try NPY.encode(NumPyArray(shape: [3, 4], dtype: .float32, scalars: (0..<12).map(Double.init)))
        var idx = Data([0, 0, 0x08, 0x03, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3])
        idx.append(Data((0..<18).map { UInt8($0) }))
        var refused = 0
        for bytes in Self.mutations(of: npz, count: Self.iterations, salt: 3) {
            do { _ = try NPZ.read(data: bytes, source: "fuzz.npz") } catch { refused += 1 }
        }
        for bytes in Self.mutations(of: npy, count: Self.iterations * 2, salt: 4) {
            do { _ = try NPY.read(data: bytes, source: "fuzz.npy") } catch { refused += 1 }
        }
        for bytes in Self.mutations(of: idx, count: Self.iterations * 2, salt: 5) {
            do { _ = try IDX.read(data: bytes, source: "fuzz.idx") } catch { refused += 1 }
        }
        #expect(refused > 0)
    }
}
