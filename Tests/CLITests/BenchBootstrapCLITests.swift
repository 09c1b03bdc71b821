import Foundation
import Testing

/// `hepexc bench bootstrap`: bad options fail with one clear line; a tiny insecure run
/// reports levels and precision.
@Suite struct BenchBootstrapCLITests {
    @Test("bad options are refused with a one-line error", arguments: [
        (["--slots", "3", "--logn", "10", "--insecure"], "--slots"),
        (["--logn", "9"], "--logn"),
        (["--threads", "0"], "--threads"),
    ])
    func badOptions(arguments: [String], mentions: String) throws {
        let result = try CLIRunner.run(["bench", "bootstrap"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
    }

    @Test("a tiny insecure run reports levels after, precision and keys")
    func tinyRun() throws {
        let result = try CLIRunner.run(["bench", "bootstrap", "--logn", "8", "--insecure", "--reps", "1",
                                        "--levels-after", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(CLIRunner.json(result.stdout))
        #expect(report["levels_after"] as? Int == 1)
        #expect(report["secure"] as? Bool == false)
        let mean = try #require(report["precision_mean_bits"] as? Double)
        #expect(mean > 16, "mean precision \(mean) bits")
        #expect((report["rotation_keys"] as? Int ?? 0) > 0)
        #expect(report["ephemeral_secret_weight"] as? Int == 32)
        #expect((report["encapsulation_key_bytes"] as? Int ?? 0) > 0)
        #expect(report["modulus_range"] as? Int == 16)
    }

    @Test("--uniform-secret raises under the dense secret (no encapsulation keys, larger K)")
    func uniformSecret() throws {
        let result = try CLIRunner.run(["bench", "bootstrap", "--logn", "8", "--insecure", "--reps", "1",
                                        "--levels-after", "1", "--uniform-secret", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(CLIRunner.json(result.stdout))
        #expect(report["ephemeral_secret_weight"] == nil || report["ephemeral_secret_weight"] is NSNull)
        #expect(report["encapsulation_key_bytes"] as? Int == 0)
        #expect((report["modulus_range"] as? Int ?? 0) > 16)
    }
}
