import _HepexcTestSupport
import Testing

/// `hepexc compile --scheme` with a separate `--validation` set, a `--test`
/// set and the runner options (`--output-ratio`, `--rounds`, …).
@Suite struct SchemeDataCLITests {
    static let model = "models/digits_mlp_square.onnx"
    static let data = "models/data/digits_test.npz"

    @Test func validationAndTestSetsAreReported() throws {
        let run = try CLIRunner.run(["compile", Self.model, "--data", Self.data, "--validation", Self.data, "--test", Self.data,
                                     "--scheme", "p2t", "--prune-ratio", "0.5", "--tile", "8x8", "--epochs", "1",
                                     "--output-ratio", "0.25", "--learning-rate-decay", "0.5", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let pruning = try #require(CLIRunner.json(run.stdout)?["pruning"] as? [String: Any])
        // All 540 samples retrain; the same 540 validate and test.
        #expect(pruning["training_samples"] as? Int == 540)
        #expect(pruning["validation_samples"] as? Int == 540)
        let test = try #require(pruning["test"] as? [String: Any])
        #expect(test["samples"] as? Int == 540)
        #expect(test["baseline"] as? Double == pruning["baseline"] as? Double)
        #expect(test["final"] as? Double == pruning["final"] as? Double)
        let first = try #require((pruning["steps"] as? [[String: Any]])?.first?["pipeline"] as? String)
        #expect(first.contains("schedule="))
    }

    @Test func badRunnerOptionsAreOneLineErrors() throws {
        let cases: [([String], String)] = [
            (["--test", Self.data], "need --scheme"),
            (["--scheme", "p4e", "--data", Self.data, "--rounds", "0"], "--rounds"),
            (["--scheme", "p4e", "--data", Self.data, "--prune-scope", "galactic"], "--prune-scope"),
            (["--scheme", "p4e", "--data", Self.data, "--output-ratio", "2"], "--output-ratio"),
            (["--scheme", "p4e", "--data", Self.data, "--learning-rate-decay", "0"], "--learning-rate-decay"),
        ]
        for (arguments, message) in cases {
            let run = try CLIRunner.run(["compile", Self.model] + arguments)
            #expect(run.status != 0)
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
