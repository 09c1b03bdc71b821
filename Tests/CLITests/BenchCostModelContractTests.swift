import Foundation
import Testing
import _HepexcTestSupport

/// Bench output → cost model, end to end through the binary: the live `hepexc bench ckks --json`
/// report carries every measurement `CostModel(benchReport:)` reads (`BenchCostContract`), in
/// seconds, with the ring it was measured at; `hepexc compile --costs` accepts it, and its
/// estimate is the plan's op counts priced with exactly those numbers.
@Suite struct BenchCostModelContractTests {
    @Test func benchReportDrivesTheCompileEstimate() throws {
        let bench = try CLIRunner.run(["bench", "ckks", "--logn", "10", "--limbs", "3", "--insecure", "--rounds", "1",
                                       "--min-reps", "1", "--max-reps", "1", "--target-seconds", "0", "--json"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let report = try #require(CLIRunner.json(bench.stdout), "bench --json printed no JSON object: \(bench.stdout.prefix(300))")
        #expect(Self.field(report, "logN") as? Int == 10 && Self.field(report, "limbs") as? Int == 3)
        let results = try #require(report["results"] as? [[String: Any]])
        var cpu: [String: Double] = [:]
        for result in results {
            if let name = result["name"] as? String, let seconds = Self.field(result, "cpuSeconds") as? Double { cpu[name] = seconds }
        }
        for name in BenchCostContract.names {
            let seconds = try #require(cpu[name], "the benchmark no longer reports '\(name)', which CostModel(benchReport:) reads")
            // Seconds, not milliseconds: one operation at N = 2^10 in a debug build.
            #expect(seconds > 0 && seconds < 0.5, "'\(name)': \(seconds) s")
        }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let costs = directory.appendingPathComponent("bench.json").path
        try Data(bench.stdout.utf8).write(to: URL(fileURLWithPath: costs))
        let compiled = try CLIRunner.run(["compile", "models/digits_mlp_square.onnx", "--tile", "16x16", "--costs", costs,
                                          "-o", directory.appendingPathComponent("p.hepx").path, "--json"])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        let plan = try #require(CLIRunner.json(compiled.stdout))
        let estimate = try #require(plan["estimated_seconds"] as? Double)
        let logN = try #require(plan["log_n"] as? Int)
        let layers = try #require(plan["layers"] as? [[String: Any]])
        // Σ over layers of op counts × measured costs, scaled by N·limbs from the bench ring.
        let (mulpt, mulct, add) = (cpu["mul ct×pt"]!, cpu["mul ct×ct + relin"]!, cpu["add ct+ct"]!)
        let (rotate, rescale) = (cpu["rotate by 1 slot"]!, cpu["rescale"]!)
        var expected = 0.0
        for layer in layers {
            let counts = try #require(layer["ops"] as? [String: Int])
            func ops(_ key: String) -> Double { Double(Self.field(counts, key) as? Int ?? 0) }
            let limbs = try #require(layer["input_level"] as? Int) + 1
            let seconds = (ops("plainMultiplies") + ops("maskMultiplies")) * mulpt + ops("cipherMultiplies") * mulct
                + ops("constantMultiplies") * mulpt / 2 + (ops("additions") + ops("plainAdditions")) * add
                + ops("rotations") * rotate + ops("rescales") * rescale
            expected += seconds * Double(1 << logN) * Double(limbs) / (1024 * 3)
        }
        #expect(expected > 0 && abs(estimate - expected) <= 1e-9 * expected,
                "compile --costs estimated \(estimate) s; the bench numbers give \(expected) s")
    }

    /// `object[key]`, or under its snake_case spelling (the --json keys are being unified).
    static func field(_ object: [String: Any], _ key: String) -> Any? {
        if let value = object[key] { return value }
        let snake = key.reduce(into: "") { text, c in text += c.isUppercase ? "_" + c.lowercased() : String(c) }
        return object[snake]
    }
}
