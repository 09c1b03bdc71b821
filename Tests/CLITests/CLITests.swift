import Foundation
import Testing
import _HepexcTestSupport

@Suite(.serialized) struct CLITests {
    @Test func binaryIsBuilt() {
        #expect(CLIRunner.binary != nil, "hepexc was not found next to the test bundle")
    }

    @Test func helpListsTheCommands() throws {
        let result = try CLIRunner.run(["--help"])
        #expect(result.status == 0)
        for command in ["inspect", "eval", "opt", "demo"] { #expect(result.stdout.contains(command)) }
        let inspect = try CLIRunner.run(["inspect", "--help"])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("--weights") && inspect.stdout.contains("--json"))
    }

    @Test func unknownFlagsAndBadValuesAreArgumentErrors() throws {
        let unknown = try CLIRunner.run(["inspect", "models/digits_mlp_square.onnx", "--frobnicate"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--frobnicate"))
        let badValue = try CLIRunner.run(["eval", "models/digits_mlp_square.onnx", "--data", "models/data/digits_test.npz", "--limit", "zero"])
        #expect(badValue.status == 64)
        let zero = try CLIRunner.run(["eval", "models/digits_mlp_square.onnx", "--data", "models/data/digits_test.npz", "--batch-size", "0"])
        #expect(zero.status == 64)
    }

    @Test func inspectPrintsParsableIRAndSummary() throws {
        let result = try CLIRunner.run(["inspect", "models/mnist_cryptonets.onnx"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("hepir 1\n"))
        #expect(result.stdout.contains("conv2d(%input, @conv.weight, @conv.bias)"))
        #expect(result.stdout.contains("= elided"))
        #expect(result.stdout.contains("// model mnist_cryptonets: 6 ops, 85740 parameters"))
        let weights = try CLIRunner.run(["inspect", "models/digits_mlp_square.onnx", "--weights", "--ir-only"])
        #expect(!weights.stdout.contains("elided"))
    }

    @Test func inspectJSONHasTheDocumentedKeys() throws {
        let result = try CLIRunner.run(["inspect", "models/mnist_cryptonets.onnx", "--json"])
        #expect(result.status == 0)
        let object = try #require(CLIRunner.json(result.stdout))
        for key in ["model", "format", "inputs", "outputs", "ops", "op_count", "parameters", "layers", "not_he_friendly", "ir"] {
            #expect(object[key] != nil, "missing key \(key)")
        }
        #expect(object["parameters"] as? Int == 85740)
        #expect((object["ops"] as? [String: Int])?["poly"] == 2)
    }

    @Test func evalReportsAccuracyAsJSON() throws {
        let result = try CLIRunner.run(["eval", "models/digits_mlp_square.onnx", "--data", "models/data/digits_test.npz", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(CLIRunner.json(result.stdout))
        #expect(object["task"] as? String == "classification")
        #expect(object["correct"] as? Int == 530)
        #expect(object["samples"] as? Int == 540)
        #expect(abs((object["accuracy"] as? Double ?? 0) - 530.0 / 540.0) < 1e-12)
    }

    @Test func evalReportsReconstructionMSE() throws {
        let result = try CLIRunner.run(["eval", "models/mnist_autoencoder.onnx", "--data", "models/data/mnist_ae_test.npz", "--limit", "200", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(CLIRunner.json(result.stdout))
        #expect(object["task"] as? String == "reconstruction")
        #expect((object["mse"] as? Double ?? 1) < 0.05)
    }

    @Test func failuresAreOneLineErrorsWithNonZeroExit() throws {
        for arguments in [
            ["inspect", "Tests/FrontendTests/Fixtures/onnx/bad/truncated.onnx"],
            ["inspect", "Tests/FrontendTests/Fixtures/onnx/bad/unsupported_ops.onnx"],
            ["inspect", "no/such/model.onnx"],
            ["eval", "models/mnist_cryptonets.onnx", "--data", "models/data/digits_test.npz"],
            ["eval", "models/digits_mlp_square.onnx", "--data", "no-such-data.npz"],
            ["inspect", "models/digits_mlp_square.onnx", "--passes", "nonsense"],
        ] {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("error: "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func optWritesIRThatEvaluatesLikeTheOriginal() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let irPath = directory.appendingPathComponent("digits.hepir").path
        let exported = try CLIRunner.run(["opt", "models/digits_mlp_square.onnx", "--passes", "canonicalize", "--weights", "-o", irPath])
        #expect(exported.status == 0, "\(exported.stderr)")
        let original = try CLIRunner.run(["eval", "models/digits_mlp_square.onnx", "--data", "models/data/digits_test.npz", "--json"])
        let reparsed = try CLIRunner.run(["eval", irPath, "--data", "models/data/digits_test.npz", "--json"])
        #expect(reparsed.status == 0, "\(reparsed.stderr)")
        #expect(CLIRunner.json(original.stdout)?["correct"] as? Int == CLIRunner.json(reparsed.stdout)?["correct"] as? Int)
        let listed = try CLIRunner.run(["opt", "--list-passes"])
        #expect(listed.stdout.contains("fold-bn") && listed.stdout.contains("fuse-poly"))
    }

    @Test func optDoesNotWriteOnFailure() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-\(UUID().uuidString).hepir").path
        let result = try CLIRunner.run(["opt", "Tests/FrontendTests/Fixtures/onnx/bad/nan_weight.onnx", "-o", path])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func demoRunsOnABundledModel() throws {
        let result = try CLIRunner.run(["demo", "--model", "digits_mlp_square", "--encrypted-samples", "0", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(CLIRunner.json(result.stdout))
        let evaluation = try #require(object["evaluation"] as? [String: Any])
        #expect(evaluation["correct"] as? Int == 530)
    }
}
