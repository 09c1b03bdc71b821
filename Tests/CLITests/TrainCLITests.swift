import Foundation
import _HepexcTestSupport
import Testing

/// `hepexc train` against the built binary: fine-tuning with masks, output
/// formats, JSON report and the one-line errors.
@Suite struct TrainCLITests {
    static let model = "models/digits_mlp_square.onnx"
    static let data = "models/data/digits_test.npz"

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func fineTunesWithAMaskAndWritesBothFormats() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["pruned.hepir", "pruned.onnx"] {
            let out = directory.appendingPathComponent(name).path
            let train = try CLIRunner.run(["train", Self.model, "--data", Self.data, "--validation-split", "0.2",
                                           "--epochs", "2", "--mask-smallest", "0.8", "--test", Self.data,
                                           "-o", out, "--json"])
            #expect(train.status == 0, "\(train.stderr)")
            let report = try #require(CLIRunner.json(train.stdout))
            #expect(report["masked_weights"] as? Int == 3789)
            #expect(report["masked_nonzero"] as? Int == 0)
            #expect((report["epochs"] as? [Any])?.count == 2)
            #expect(report["validation_samples"] as? Int == 108)
            #expect(report["test_accuracy"] as? Double != nil && report["test_accuracy_before"] as? Double != nil)
            // The written model loads and evaluates.
            let eval = try CLIRunner.run(["eval", out, "--data", Self.data, "--json"])
            #expect(eval.status == 0, "\(eval.stderr)")
            let accuracy = try #require(CLIRunner.json(eval.stdout)?["accuracy"] as? Double)
            #expect(abs(accuracy - (report["test_accuracy"] as? Double ?? 0)) < 1e-9)
        }
        let text = try String(contentsOfFile: directory.appendingPathComponent("pruned.hepir").path, encoding: .utf8)
        #expect(text.contains("{mask = \"fc1.weight.mask\"}") || text.contains("mask = "))
    }

    @Test func plainLinesWhenNotATerminal() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLIRunner.run(["train", Self.model, "--data", Self.data, "--epochs", "2", "--optimizer", "sgd",
                                     "--schedule", "step", "-o", directory.appendingPathComponent("m.hepir").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("epoch 1/2: loss "))
        #expect(run.stdout.contains("epoch 2/2: loss ") && run.stdout.contains("lr 0.005"))
        #expect(run.stderr.isEmpty)
    }

    @Test func badInputIsOneLineError() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-train-\(UUID().uuidString).hepir").path
        let cases: [([String], String)] = [
            (["--data", "models/data/mnist_test.npz", "--limit", "5"], "data shape mismatch"),
            (["--data", Self.data, "--lr", "1e6", "--optimizer", "sgd"], "lower learning rate"),
            (["--data", "models/data/mnist_ae_test.npz", "--limit", "3"], "shape mismatch"),
        ]
        for (arguments, message) in cases {
            let run = try CLIRunner.run(["train", Self.model] + arguments + ["-o", out])
            #expect(run.status == 1)
            #expect(run.stderr.hasPrefix("error: ") && run.stderr.contains(message), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let bad = try CLIRunner.run(["train", Self.model, "--data", Self.data, "-o", "x.txt"])
        #expect(bad.status == 64)
    }
}
