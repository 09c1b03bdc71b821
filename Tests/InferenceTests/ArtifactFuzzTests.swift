import Foundation
import HepexcInference
import HepexcIR
import HepexcPlan
import Testing

/// Mutation fuzzing of the client/server files (issue 14's fuzz target for
/// key and ciphertext files): flipped bytes and truncations (the checksum's
/// job), and — harder — words of the header and payload set to extremes with
/// the checksum recomputed, so the parser itself meets lying counts,
/// lengths and object sizes. Every mutation must give a valid object or an
/// `InferenceError` with a one-line message, never a crash.
/// `HEPEXC_FUZZ_ITERATIONS` (scripts/fuzz.sh) runs many more.
@Suite struct ArtifactFuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["HEPEXC_FUZZ_ITERATIONS"].flatMap(Int.init).map { max(1, $0 / 100) } ?? 40

    static func words(_ bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count - 7, by: 8).map { offset in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
    }

    static func bytes(_ words: [UInt64]) -> [UInt8] {
        words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }
    }

    /// FNV-1a over words, as the container's checksum (docs/inference.md).
    static func checksum<C: Collection>(_ words: C) -> UInt64 where C.Element == UInt64 {
        words.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ $1) &* 0x0000_0100_0000_01B3 }
    }

    static func mutations(of seed: [UInt8], count: Int, salt: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: 0xA27F ^ salt)
        let extremes: [UInt64] = [0, 1, 2, UInt64.max, 1 << 31, 1 << 32, 1 << 40, 1 << 62, UInt64(Int64.max)]
        return (0..<count).map { _ in
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                var mutated = seed
                for _ in 0..<Int.random(in: 1...4, using: &rng) where !mutated.isEmpty {
                    mutated[Int.random(in: 0..<mutated.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                }
                return mutated
            case 1:
                return Array(seed.prefix(Int.random(in: 0..<seed.count, using: &rng)))
            default:
                // Structured: extreme words in the header or the first payload words, checksum recomputed.
                var words = Self.words(seed)
                guard words.count > 2 else { return seed }
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let position = Int.random(in: 0..<min(words.count - 1, 24), using: &rng)
                    words[position] = extremes[Int.random(in: 0..<extremes.count, using: &rng)]
                }
                words[words.count - 1] = checksum(words.dropLast())
                return Self.bytes(words)
            }
        }
    }

    @Test func mutatedKeyAndCiphertextFilesAreErrorsNotCrashes() throws {
        let fixture = try ArtifactSafetyTests.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let prepared = try PreparedPlan(fixture.plan)
        var refused = 0
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch let error as InferenceError {
                refused += 1
                #expect(!error.description.contains("\n"), "\(error)")
            } catch {
                Issue.record("not an InferenceError: \(error)")
            }
        }
        let seeds = ["alice.evalkeys", "x.hect", "y.hect", "alice.secret"]
        for (salt, name) in seeds.enumerated() {
            let seed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.file(name))))
            for mutated in Self.mutations(of: seed, count: Self.iterations, salt: UInt64(salt)) {
                switch name {
                case "alice.evalkeys": attempt { _ = try EvaluationKeys(deserializing: mutated, for: prepared) }
                case "x.hect": attempt { _ = try CiphertextBatch(deserializing: mutated, for: prepared, stage: .input) }
                case "y.hect": attempt { _ = try CiphertextBatch(deserializing: mutated, for: prepared, stage: .output) }
                default: attempt { _ = try InferenceClient(plan: fixture.plan, secretKeyBytes: mutated) }
                }
            }
        }
        #expect(refused > 0)
    }
}
