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

    @Test func batchNormIsFoldedAndMasksSurviveTheFold() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let architecture = directory.appendingPathComponent("bn.hepir").path
        try """
        hepir 1
        model @bn_mlp

        const @fc1.weight : tensor<16x64xf32> = elided
        const @bn.scale : tensor<16xf32> = elided
        const @bn.bias : tensor<16xf32> = elided
        const @bn.mean : tensor<16xf32> = elided
        const @bn.var : tensor<16xf32> = elided
        const @fc2.weight : tensor<10x16xf32> = elided

        graph(%input: tensor<?x64xf32>) -> (tensor<?x10xf32>) {
          %0 = dense(%input, @fc1.weight) : tensor<?x16xf32>
          %1 = batchnorm(%0, @bn.scale, @bn.bias, @bn.mean, @bn.var) {epsilon = 1e-05} : tensor<?x16xf32>
          %2 = relu(%1) : tensor<?x16xf32>
          %logits = dense(%2, @fc2.weight) : tensor<?x10xf32>
          return %logits
        }

        """.write(toFile: architecture, atomically: true, encoding: .utf8)
        let first = directory.appendingPathComponent("first.hepir").path
        let scratch = try CLIRunner.run(["train", architecture, "--from-scratch", "--data", Self.data, "--epochs", "3",
                                         "--replace-relu", "poly2", "--no-fold-bn", "-o", first])
        #expect(scratch.status == 0, "\(scratch.stderr)")
        let second = directory.appendingPathComponent("second.hepir").path
        let tune = try CLIRunner.run(["train", first, "--data", Self.data, "--epochs", "2", "--mask-smallest", "0.5",
                                      "-o", second, "--json"])
        #expect(tune.status == 0, "\(tune.stderr)")
        let report = try #require(CLIRunner.json(tune.stdout))
        #expect(report["masked_weights"] as? Int == 8 * 64 + 80 && report["masked_nonzero"] as? Int == 0)
        let text = try String(contentsOfFile: second, encoding: .utf8)
        #expect(!text.contains("batchnorm") && !text.contains("relu"))
        #expect(text.contains("{mask = \"fc1.weight.mask\"}") && text.contains("{mask = \"fc2.weight.mask\"}"))
    }
}
