import Foundation
import Testing
import _HepexcTestSupport

@Suite(.serialized) struct PlanCLITests {
    func temporaryPath(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    @Test func compileInspectAndRunSimulated() throws {
        let plan = try temporaryPath("digits.hepx")
        let compiled = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "4x16", "-o", plan, "--json"])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        let report = try #require(CLIRunner.json(compiled.stdout))
        #expect(report["tile"] as? [Int] == [4, 16, 64])
        #expect(report["insecure"] as? Bool == false)
        for key in ["log_n", "log_q", "depth", "rotation_steps", "layers", "ops", "estimated_seconds", "estimated_memory_bytes"] {
            #expect(report[key] != nil, "missing \(key)")
        }
        let inspected = try CLIRunner.run(["inspect", plan, "--json"])
        #expect(CLIRunner.json(inspected.stdout)?["depth"] as? Int == report["depth"] as? Int)
        let run = try CLIRunner.run(["run", plan, "--data", "models/data/digits_test.npz", "--backend", "simulated", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(CLIRunner.json(run.stdout))
        #expect(result["correct"] as? Int == 530)
        #expect(result["max_abs_error"] as? Double == 0)
        for key in ["timings", "peak_memory_bytes", "ops", "batch_ciphertexts"] { #expect(result[key] != nil, "missing \(key)") }
    }

    @Test func encryptedRunOnAnInsecureTestRing() throws {
        let plan = try temporaryPath("digits-small.hepx")
        let compiled = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "8x8", "--insecure-test-logn", "10", "-o", plan])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        #expect(compiled.stdout.contains("INSECURE"))
        let refused = try CLIRunner.run(["run", plan, "--data", "models/data/digits_test.npz", "--limit", "8"])
        #expect(refused.status == 1 && refused.stderr.contains("--allow-insecure"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        let run = try CLIRunner.run(["run", plan, "--data", "models/data/digits_test.npz", "--limit", "8", "--json", "--allow-insecure"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(CLIRunner.json(run.stdout))
        #expect((result["max_abs_error"] as? Double ?? 1) < 1e-3)
        #expect(result["backend"] as? String == "ckks")
    }

    /// `run --weight-cache-mib`: a budget that holds part of the weights gives
    /// the same outputs as caching all of them; it cannot go with `streamed`.
    @Test func aWeightCacheBudgetRunsLikeCachedWeights() throws {
        let plan = try temporaryPath("budget.hepx")
        let compiled = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "8x8", "--insecure-test-logn", "10", "-o", plan])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        let base = ["run", plan, "--data", "models/data/digits_test.npz", "--limit", "16", "--json", "--allow-insecure", "--backend", "simulated"]
        let cached = try #require(CLIRunner.json(try CLIRunner.run(base + ["--weights", "cached"]).stdout))
        let budgeted = try CLIRunner.run(base + ["--weight-cache-mib", "0"])
        #expect(budgeted.status == 0, "\(budgeted.stderr)")
        let result = try #require(CLIRunner.json(budgeted.stdout))
        #expect(result["weight_encoding"] as? String == "cached (at most 0 MiB)")
        #expect(result["correct"] as? Int == cached["correct"] as? Int && result["max_abs_error"] as? Double == 0)
        let conflict = try CLIRunner.run(base + ["--weights", "streamed", "--weight-cache-mib", "100"])
        #expect(conflict.status == 64 && conflict.stderr.contains("--weight-cache-mib"), "\(conflict.stderr)")
        let negative = try CLIRunner.run(base + ["--weight-cache-mib", "-1"])
        #expect(negative.status == 64)
    }

    @Test func refusalsAndBadFilesAreOneLineErrors() throws {
        let relu = try CLIRunner.run(["compile", "Tests/FrontendTests/Fixtures/onnx/skl_mlp_nozipmap.onnx", "-o", try temporaryPath("x.hepx")])
        #expect(relu.status == 1)
        #expect(relu.stderr.contains("relu") && relu.stderr.split(separator: "\n").count == 1)
        let badTile = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "3x5"])
        #expect(badTile.status == 64)
        let garbage = try temporaryPath("garbage.hepx")
        try Data("HEPXPLAN but not really".utf8).write(to: URL(fileURLWithPath: garbage))
        let corrupted = try CLIRunner.run(["run", garbage, "--data", "models/data/digits_test.npz"])
        #expect(corrupted.status == 1)
        #expect(corrupted.stderr.hasPrefix("error: ") && corrupted.stderr.split(separator: "\n").count == 1)
        let mismatch = try temporaryPath("mlp.hepx")
        _ = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "4x16", "-o", mismatch])
        let wrongData = try CLIRunner.run(["run", mismatch, "--data", "models/data/mnist_ae_test.npz", "--backend", "simulated"])
        #expect(wrongData.status == 1)
        #expect(wrongData.stderr.contains("784") && wrongData.stderr.contains("64"))
    }

    @Test func layerFormsCanBeChosen() throws {
        func kinds(_ arguments: [String]) throws -> (kinds: [String], inputs: Int?) {
            let result = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--json"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(CLIRunner.json(result.stdout))
            let layers = report["layers"] as? [[String: Any]] ?? []
            return (layers.compactMap { $0["kind"] as? String }, report["input_ciphertexts"] as? Int)
        }
        let diagonal = try kinds(["--tile", "1x64"])
        #expect(diagonal.kinds == ["fc-B", "poly", "fc-D"] && diagonal.inputs == 64)
        let both = try kinds(["--tile", "1x64", "--first-form", "d"])
        #expect(both.kinds == ["fc-D", "poly", "fc-D"] && both.inputs == 1)
        let classic = try kinds(["--tile", "1x64", "--no-diagonal"])
        #expect(classic.kinds == ["fc-B", "poly", "fc-A"])
        let plan = try temporaryPath("digits-d.hepx")
        _ = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "1x64", "--first-form", "D", "-o", plan])
        let run = try CLIRunner.run(["run", plan, "--data", "models/data/digits_test.npz", "--backend", "simulated", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(CLIRunner.json(run.stdout)?["correct"] as? Int == 530)
        let badForm = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--first-form", "C"])
        #expect(badForm.status == 64 && badForm.stderr.contains("A, B or D"))
        let contradiction = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--first-form", "D", "--no-diagonal"])
        #expect(contradiction.status == 64)
        let tooWide = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "8x8", "--first-form", "D"])
        #expect(tooWide.status == 1 && tooWide.stderr.contains("Type D") && tooWide.stderr.split(separator: "\n").count == 1)
    }

    @Test func autoTileReportsItsChoice() throws {
        let result = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "auto"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("tile chosen automatically"))
    }
}

@Suite struct TileMapCLITests {
    @Test func tileMapDrawsBeforeAndAfterThePasses() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-map-\(UUID().uuidString).svg").path
        let result = try CLIRunner.run(["inspect", "models/digits_mlp_square.onnx", "--summary-only", "--tile", "8x8",
                                        "--tile-map", path, "--passes", "prune{ratio=0.8},permute,prune-pack{threshold=0.2}"])
        #expect(result.status == 0, "\(result.stderr)")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("as imported") && svg.contains("after --passes"))
        #expect(svg.contains("64/64 tiles"))
        // Fewer shaded tiles after pruning than the 64 + 16 before.
        let shaded = svg.components(separatedBy: "fill=\"#1f4e9c\"").count - 1
        #expect(shaded < 2 * (64 + 16))
    }
}
