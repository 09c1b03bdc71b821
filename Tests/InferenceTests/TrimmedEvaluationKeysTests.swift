import Foundation
import HepexcCKKS
import HepexcExecutor
import HepexcInference
import HepexcPlan
import Testing
import _HepexcTestSupport

/// The server's check of level-trimmed evaluation keys against the plan (issue 17):
/// `keygen`'s keys reach exactly the plan's levels and load; a key one level short is
/// refused in one line when `.evalkeys` is read; full keys (the version-1 files of earlier
/// builds) still load.
@Suite struct TrimmedEvaluationKeysTests {
    static func prepared() throws -> PreparedPlan {
        let folder = try InferenceTestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundled = try #require(BundledModel.all.first { $0.name == "digits_mlp_poly2" })
        return try PreparedPlan(InferenceTestSupport.tinyPlan(bundled, in: folder).plan)
    }

    @Test("keygen's keys reach the plan's levels and are smaller than full keys")
    func generatedKeysMatchThePlan() throws {
        let prepared = try Self.prepared()
        let (_, keys) = try InferenceClient.generateKeys(for: prepared.plan)
        #expect(keys.galoisKeys?.levels == prepared.galoisKeyLevels)
        #expect(keys.relinearizationKey?.key.level == prepared.plan.keySwitchLevels.relinearization)
        let loaded = try EvaluationKeys(deserializing: keys.serialized(for: prepared), for: prepared)
        #expect(loaded.galoisKeys?.levels == prepared.galoisKeyLevels)
        let parameters = prepared.context.parameters
        let full = KeySwitchKey.byteCount(atLevel: parameters.maxLevel, parameters: parameters)
        #expect(keys.byteCount < full * (prepared.galoisElements.count + 1))
    }

    @Test("A Galois or relinearization key one level short of the plan is refused when the keys are read")
    func shortKeysRefused() throws {
        let prepared = try Self.prepared()
        let levels = prepared.plan.keySwitchLevels
        var generator = KeyGenerator(context: prepared.context, seed: 3)
        let relin = generator.relinearizationKey(for: prepared.plan)
        let short = generator.galoisKeys(stepLevels: levels.rotations.mapValues { max($0 - 1, 0) })
        let keys = EvaluationKeys(relinearizationKey: relin, galoisKeys: short)
        #expect(levels.rotations.values.contains { $0 > 0 })
        #expect {
            try EvaluationKeys(deserializing: keys.serialized(for: prepared), for: prepared)
        } throws: { error in
            "\(error)".contains("reaches level") && "\(error)".contains("run `hepexc keygen` again") && !"\(error)".contains("\n")
        }
        let relinLevel = try #require(levels.relinearization)
        let shortRelin = EvaluationKeys(relinearizationKey: generator.relinearizationKey(level: relinLevel - 1),
                                        galoisKeys: generator.galoisKeys(for: prepared.plan))
        #expect(throws: InferenceError.self) {
            try EvaluationKeys(deserializing: shortRelin.serialized(for: prepared), for: prepared)
        }
    }

    @Test("Full keys (the version-1 key objects every earlier build wrote) still load and serve the plan")
    func fullKeysLoad() throws {
        let prepared = try Self.prepared()
        var generator = KeyGenerator(context: prepared.context, seed: 5)
        let full = EvaluationKeys(relinearizationKey: generator.relinearizationKey(),
                                  galoisKeys: generator.galoisKeys(steps: prepared.plan.rotationSteps))
        let loaded = try EvaluationKeys(deserializing: full.serialized(for: prepared), for: prepared)
        let top = prepared.context.parameters.maxLevel
        #expect(loaded.galoisKeys?.levels.values.allSatisfy { $0 == top } == true)
        #expect(loaded.relinearizationKey?.key.level == top)
    }
}
