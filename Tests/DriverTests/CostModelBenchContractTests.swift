import Foundation
import HepexcDriver
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Bench output → cost model: `CostModel(benchReport:)` reads a real `hepexc bench ckks --json`
/// report (Fixtures/bench-ckks-logn10.json), takes each per-operation cost from the result named in
/// `BenchCostContract`, needs every one of them and nothing else, and scales from the ring the
/// report was measured at. (CLITests' `BenchCostModelContractTests` checks the live benchmark
/// still writes these names.)
@Suite struct CostModelBenchContractTests {
    static let fixture = TestPaths.path("Tests/DriverTests/Fixtures/bench-ckks-logn10.json")

    static func report() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func cpuSeconds(_ report: [String: Any]) throws -> [String: Double] {
        let results = try #require(report["results"] as? [[String: Any]])
        return Dictionary(results.compactMap { r in (r["name"] as? String).flatMap { n in (r["cpuSeconds"] as? Double).map { (n, $0) } } },
                          uniquingKeysWith: { a, _ in a })
    }

    static func write(_ report: [String: Any]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func eachCostComesFromItsNamedMeasurement() throws {
        let model = try CostModel(benchReport: Self.fixture)
        let cpu = try Self.cpuSeconds(try Self.report())
        #expect(model.logN == 10 && model.limbs == 3)
        // (JSONSerialization and JSONDecoder may round the last digit differently.)
        func same(_ a: Double, _ b: Double?) -> Bool { b.map { abs(a - $0) <= 1e-12 * abs($0) } ?? false }
        #expect(same(model.plainMultiply, cpu["mul ct×pt"]))
        #expect(same(model.constantMultiply, cpu["mul ct×pt"].map { $0 / 2 }))
        #expect(same(model.cipherMultiply, cpu["mul ct×ct + relin"]))
        #expect(same(model.addition, cpu["add ct+ct"]))
        #expect(same(model.rotation, cpu["rotate by 1 slot"]))
        #expect(same(model.rescale, cpu["rescale"]))
        let encryption = try #require(cpu["encode"]) + #require(cpu["encrypt (public key)"])
        #expect(same(model.encryption, encryption))
        #expect(model != CostModel.default)
    }

    @Test(arguments: BenchCostContract.names)
    func everyContractMeasurementIsRequired(_ name: String) throws {
        var report = try Self.report()
        report["results"] = (report["results"] as? [[String: Any]])?.filter { $0["name"] as? String != name }
        let path = try Self.write(report)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: DriverError.self) { try CostModel(benchReport: path) }
        #expect(error?.description.contains("lacks the '\(name)' measurement") == true, "\(String(describing: error))")
    }

    @Test func theContractMeasurementsAreEnough() throws {
        var report = try Self.report()
        let results = try #require(report["results"] as? [[String: Any]])
        report["results"] = results.filter { BenchCostContract.names.contains($0["name"] as? String ?? "") }
        #expect((report["results"] as? [Any])?.count == BenchCostContract.names.count)
        let path = try Self.write(report)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CostModel(benchReport: path) == CostModel(benchReport: Self.fixture))
    }

    @Test func costsScaleFromTheMeasuredRing() throws {
        let model = try CostModel(benchReport: Self.fixture)
        var ops = OpCounts()
        ops.rotations = 3
        ops.plainMultiplies = 2
        let measured = 3 * model.rotation + 2 * model.plainMultiply
        #expect(abs(model.seconds(ops, logN: 10, limbs: 3) - measured) <= 1e-15)
        #expect(abs(model.seconds(ops, logN: 12, limbs: 6) - 8 * measured) <= 1e-15)
        #expect(abs(model.encryptionSeconds(ciphertexts: 2, logN: 11, limbs: 3) - 4 * model.encryption) <= 1e-15)
    }

    @Test func aReportWithoutItsRingIsRejected() throws {
        var report = try Self.report()
        report["logN"] = nil
        let path = try Self.write(report)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: DriverError.self) { try CostModel(benchReport: path) }
    }
}
