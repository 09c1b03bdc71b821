import Foundation
import HepexcCKKS
import HepexcDriver
import HepexcExecutor
import HepexcPlan
import Testing

/// Compiled plans bootstrap with sparse-secret encapsulation: the step's
/// ephemeral weight in the plan format (new field, older plans without it),
/// its validation, and the one-process backend generating the keys
/// (tiny INSECURE ring: tests only; the CKKS run against the float reference
/// is `BootstrapPlanTests.squareMLPRunsEncryptedWithBootstraps`).
@Suite struct EncapsulatedPlanTests {
    static func bootstrapIndex(_ plan: Plan) throws -> Int {
        try #require(plan.layers.firstIndex { if case .bootstrap = $0 { return true } else { return false } })
    }

    static func withWeight(_ plan: Plan, _ weight: Int?) -> Plan {
        var plan = plan
        plan.layers = plan.layers.map { layer in
            guard case .bootstrap(var step) = layer else { return layer }
            step.ephemeralSecretWeight = weight
            return .bootstrap(step)
        }
        return plan
    }

    @Test("compiled bootstraps carry h = 32 (K = 16, no scale-change level) and the plan round-trips with it")
    func compiledPlanCarriesTheWeight() throws {
        let plan = try BootstrapPlanTests.compile(BootstrapPlanTests.squareMLP(), levels: 3)
        let step = try #require(plan.bootstrapSteps.first)
        #expect(step.ephemeralSecretWeight == 32 && step.modulusRange == 16 && plan.encapsulationWeight == 32)
        #expect(step.runtimeParameters == BootstrapParameters.standard(logN: 10))
        #expect(step.depth == step.runtimeParameters.depth)
        let bytes = try plan.serialized()
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"ephemeralSecretWeight\":32"))
        let read = try Plan(serialized: bytes)
        #expect(read == plan && read.bootstrapSteps.allSatisfy { $0.ephemeralSecretWeight == 32 })
    }

    @Test("a plan written before the field (no ephemeralSecretWeight key) still reads, as a dense-secret bootstrap")
    func olderPlanWithoutTheField() throws {
        let plan = Self.withWeight(try BootstrapPlanTests.compile(BootstrapPlanTests.squareMLP(), levels: 3), nil)
        let bytes = try plan.serialized()
        #expect(!String(decoding: bytes, as: UTF8.self).contains("ephemeralSecretWeight"))
        #expect(bytes[8] == 3)
        let read = try Plan(serialized: bytes)
        #expect(read == plan && read.encapsulationWeight == nil)
        #expect(try #require(read.bootstrapSteps.first).runtimeParameters.ephemeralSecretWeight == nil)
        // Its one-process backend makes no encapsulation keys; the compiled plan's does.
        #expect(try CKKSBackend.clientAndServer(for: read, threads: 1, relinearization: true).encapsulationKeys == nil)
        let compiled = try BootstrapPlanTests.compile(BootstrapPlanTests.squareMLP(), levels: 3)
        let backend = try CKKSBackend.clientAndServer(for: compiled, threads: 1, relinearization: true)
        #expect(backend.encapsulationKeys?.hammingWeight == 32)
    }

    @Test("hostile ephemeral weights (≤ 0, above N/2, above 2K, Int.min/max) are refused with one line")
    func hostileWeights() throws {
        let plan = try BootstrapPlanTests.compile(BootstrapPlanTests.squareMLP(), levels: 3)
        for weight in [0, -1, 33, 513, 1 << 20, Int.max, Int.min] {
            do {
                try Self.withWeight(plan, weight).validate()
                Issue.record("weight \(weight): accepted")
            } catch {
                #expect("\(error)".contains("ephemeral secret weight") && !"\(error)".contains("\n"), "\(weight): \(error)")
            }
        }
    }
}
