import Foundation
import _HepexcTestSupport
import Testing

/// `hepexc compile --approximate`: the refusal naming the flag, the
/// conversion with fine-tuning and its report, and bad options.
@Suite struct ApproximateCLITests {
    /// A small PyTorch Conv → ReLU → MaxPool → FC → ReLU → FC (random weights).
    static let model = "Tests/FrontendTests/Fixtures/activations/torch_cnn_relu_maxpool.onnx"
    static let data = "models/data/mnist_test.npz"

    @Test func withoutApproximateTheRefusalNamesTheFlag() throws {
        let run = try CLIRunner.run(["compile", Self.model, "--insecure-test-logn", "12"])
        #expect(run.status != 0)
        #expect(run.stderr == "error: cannot run encrypted: %1 (relu): approximate it by a polynomial: compile --approximate relu=poly2 (add --retrain --data TRAIN to fine-tune); %2 (maxpool2d): replace it by average pooling: compile --approximate maxpool=avgpool (add --retrain --data TRAIN to fine-tune); %5 (relu): approximate it by a polynomial: compile --approximate relu=poly2 (add --retrain --data TRAIN to fine-tune)\n",
                "\(run.stderr)")
    }

    @Test func schemeIsRefusedBeforeAnyPruning() throws {
        let run = try CLIRunner.run(["compile", Self.model, "--scheme", "p4e", "--data", Self.data, "--insecure-test-logn", "12"])
        #expect(run.status != 0)
        #expect(run.stderr.hasPrefix("error: cannot run encrypted: %1 (relu): approximate it by a polynomial: compile --approximate relu=poly2"))
        #expect(!run.stderr.contains("prune"), "no scheme step ran: \(run.stderr)")
    }

    @Test func approximatesRetrainsAndReports() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-approx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = directory.appendingPathComponent("m.hepx").path, ir = directory.appendingPathComponent("m.hepir").path
        let run = try CLIRunner.run(["compile", Self.model, "--approximate", "relu=poly2,maxpool=avgpool", "--data", Self.data,
                                     "--retrain", "--epochs", "1", "--insecure-test-logn", "12", "--save-ir", ir, "-o", plan, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let approximation = try #require(report["approximation"] as? [String: Any])
        let replacements = try #require(approximation["replacements"] as? [[String: Any]])
        #expect(replacements.count == 2)
        #expect(replacements.allSatisfy { $0["observed"] as? Bool == true && $0["degree"] as? Int == 2 })
        #expect(approximation["max_pools_replaced"] as? Int == 1)
        for key in ["accuracy_original", "accuracy_approximated", "accuracy_retrained"] {
            #expect(approximation[key] as? Double != nil, "\(key)")
        }
        #expect(report["plan"] != nil)
        let text = try String(contentsOfFile: ir, encoding: .utf8)
        #expect(!text.contains("relu(") && !text.contains("maxpool2d(") && text.contains("avgpool2d("))
    }

    @Test func badOptionsAreOneLineErrors() throws {
        let cases: [([String], String)] = [
            (["--approximate", "relu=poly0"], "--approximate relu: 'poly0' is not polyN with 1 ≤ N ≤ 16"),
            (["--approximate", "relu"], "--approximate 'relu' is not name=replacement (e.g. relu=poly2, maxpool=avgpool)"),
            (["--approximate", "maxpool=minpool"], "--approximate maxpool: 'minpool' (the only replacement is avgpool)"),
            (["--retrain", "--data", Self.data], "--retrain fine-tunes an approximated model: it needs --approximate"),
            (["--approximate", "relu=poly2", "--retrain"], "--retrain needs --data (the fine-tuning set)"),
        ]
        for (arguments, message) in cases {
            let run = try CLIRunner.run(["compile", Self.model] + arguments)
            #expect(run.status != 0)
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
