import Foundation
import _HepexcTestSupport
import Testing

/// `hepexc train --keep …`: HEPrune's dynamic data pruning in plaintext
/// training, its report and its option errors.
@Suite struct DataPruningCLITests {
    static let model = "models/digits_mlp_square.onnx"
    static let data = "models/data/digits_test.npz"

    @Test func trainsOnTheKeptFractionAndReportsTheRounds() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-keep-\(UUID().uuidString).hepir").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try CLIRunner.run(["train", Self.model, "--data", Self.data, "--epochs", "4", "--keep", "0.25",
                                     "--select-every", "2", "--score", "hefs-fast", "-o", out, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(CLIRunner.json(run.stdout))
        let pruning = try #require(report["data_pruning"] as? [String: Any])
        #expect(pruning["kept_fraction"] as? Double == 0.25)
        let rounds = try #require(pruning["rounds"] as? [[String: Any]])
        #expect(rounds.count == 2)  // before epochs 1 and 3
        // 540 samples, k = ⌈0.25 · 540⌉ = 135 per epoch over 4 epochs.
        #expect(pruning["samples_processed"] as? Int == 4 * 135)
        #expect(pruning["full_data_samples"] as? Int == 4 * 540)
        #expect(rounds.allSatisfy { $0["kept"] as? Int == 135 })
    }

    @Test func badPruningOptionsAreOneLineErrors() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-keep-\(UUID().uuidString).hepir").path
        let cases: [([String], String)] = [
            (["--keep", "0"], "--keep must be in (0, 1]"),
            (["--keep", "1.5"], "--keep must be in (0, 1]"),
            (["--keep", "0.5", "--select-every", "0"], "--select-every must be at least 1"),
            (["--keep", "0.5", "--window", "1"], "--window must be in [0, 1)"),
        ]
        for (arguments, message) in cases {
            let run = try CLIRunner.run(["train", Self.model, "--data", Self.data] + arguments + ["-o", out])
            #expect(run.status == 64 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // A window that leaves fewer than k samples depends on the data: a one-line run-time error.
        let window = try CLIRunner.run(["train", Self.model, "--data", Self.data, "--keep", "0.5", "--window", "0.6", "-o", out])
        #expect(window.status == 1 && window.stderr.hasPrefix("error: ") && window.stderr.split(separator: "\n").count == 1,
                "\(window.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let score = try CLIRunner.run(["train", Self.model, "--data", Self.data, "--keep", "0.5", "--score", "el2n", "-o", out])
        #expect(score.status == 64)
    }
}
