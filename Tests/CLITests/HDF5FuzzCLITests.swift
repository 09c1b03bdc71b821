import Foundation
import HepexcIR
import Testing
import _HepexcTestSupport

/// Mutation fuzzing of Keras/HDF5 import through the CLI (issue 14 §4):
/// libhdf5 itself can crash or spin on corrupted files, so `hepexc` reads
/// them in a child process first. Every mutated file must end in a result or
/// a one-line error with exit status 1 — never a signal, a hang or a
/// multi-line trace. The seeds are the committed fixtures below (the corpus);
/// `scripts/fuzz.sh` runs many more mutations.
@Suite(.serialized) struct HDF5FuzzCLITests {
    static let iterations = ProcessInfo.processInfo.environment["HEPEXC_FUZZ_ITERATIONS"].flatMap(Int.init).map { max(1, $0 / 1000) } ?? 10

    static func mutations(of seed: [UInt8], count: Int, salt: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: 0x4DF5 ^ salt)
        return (0..<count).map { _ in
            var mutated = seed
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                for _ in 0..<Int.random(in: 1...8, using: &rng) where !mutated.isEmpty {
                    mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case 1:
                mutated = Array(mutated.prefix(Int.random(in: 0...mutated.count, using: &rng)))
            default:
                // Overwrite an 8-byte field with an extreme value (sizes, offsets, addresses).
                guard mutated.count > 8 else { break }
                let at = Int.random(in: 0..<(mutated.count - 8), using: &rng)
                let value: UInt64 = [UInt64.max, 1 << 40, 1 << 62, 0][Int.random(in: 0..<4, using: &rng)]
                for i in 0..<8 { mutated[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            }
            return mutated
        }
    }

    @Test(arguments: ["Tests/FrontendTests/Fixtures/keras/k2_functional.h5",
                      "Tests/FrontendTests/Fixtures/keras/k3_mlp_legacy.h5"])
    func mutatedFilesGiveResultsOrOneLineErrors(seed path: String) throws {
        let seed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestPaths.path(path))))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hdf5-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, bytes) in Self.mutations(of: seed, count: Self.iterations, salt: UInt64(path.count)).enumerated() {
            let file = directory.appendingPathComponent("m\(index).h5")
            try Data(bytes).write(to: file)
            let result = try CLIRunner.run(["inspect", file.path])
            let lines = result.stderr.split(separator: "\n")
            #expect(result.status == 0 || result.status == 1, "mutation \(index): exit \(result.status): \(result.stderr)")
            if result.status != 0 { #expect(lines.count == 1, "mutation \(index): \(result.stderr)") }
        }
    }
}

