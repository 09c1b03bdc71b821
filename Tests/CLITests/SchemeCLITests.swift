import Foundation
import _HepexcTestSupport
import Testing

/// `hepexc compile --scheme`: a HE-PEx scheme with retraining before
/// lowering, its JSON report, `--save-ir`, the ratio search and bad input.
@Suite struct SchemeCLITests {
    static let model = "models/digits_mlp_square.onnx"
    static let data = "models/data/digits_test.npz"

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-scheme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func p4eCompilesWritesThePrunedModelAndReports() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = directory.appendingPathComponent("m.hepx").path, ir = directory.appendingPathComponent("m.hepir").path
        let run = try CLIRunner.run(["compile", Self.model, "--data", Self.data, "--scheme", "p4e", "--prune-ratio", "0.9",
                                     "--tile", "8x8", "--epochs", "1", "-o", plan, "--save-ir", ir, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(CLIRunner.json(run.stdout))
        let pruning = try #require(report["pruning"] as? [String: Any])
        #expect(pruning["scheme"] as? String == "p4e")
        #expect(pruning["validation_samples"] as? Int == 108)
        #expect((pruning["steps"] as? [[String: Any]])?.map { $0["name"] as? String } == ["prune", "permute", "prune-pack", "expand", "retrain"])
        let sparsity = try #require(pruning["tile_sparsity"] as? Double)
        #expect(sparsity > 0)
        #expect((report["plan"] as? [String: Any])?["tile"] as? [Int] != nil)
        #expect(FileManager.default.fileExists(atPath: plan))
        let text = try String(contentsOfFile: ir, encoding: .utf8)
        #expect(text.contains("granularity = \"tile\""))
        // The saved model loads and still classifies.
        let eval = try CLIRunner.run(["eval", ir, "--data", Self.data, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect((CLIRunner.json(eval.stdout)?["accuracy"] as? Double ?? 0) > 0.5)
    }

    @Test func ratioSearchAndTextReport() throws {
        let run = try CLIRunner.run(["compile", Self.model, "--data", Self.data, "--scheme", "p2t", "--tile", "8x8",
                                     "--epochs", "1", "--max-accuracy-drop", "3", "--search-steps", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("scheme P2T on digits_mlp_square"))
        #expect(run.stdout.contains("ratio search (budget 3.00 points):"))
        #expect(run.stdout.contains("plan digits_mlp_square"))
    }

    @Test func badSchemeInputIsOneLineError() throws {
        let cases: [([String], String)] = [
            (["--scheme", "p4e"], "needs --data"),
            (["--scheme", "p5", "--data", Self.data], "is not one of"),
            (["--data", Self.data], "need --scheme"),
            (["--scheme", "p2", "--data", Self.data, "--tile", "auto"], "fixed --tile"),
            (["--scheme", "p2", "--data", Self.data, "--prune-ratio", "1.5"], "--prune-ratio"),
        ]
        for (arguments, message) in cases {
            let run = try CLIRunner.run(["compile", Self.model] + arguments)
            #expect(run.status != 0)
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
