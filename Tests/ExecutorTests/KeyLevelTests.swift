import Foundation
import HepexcCKKS
import HepexcDriver
import HepexcExecutor
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// `Plan.keySwitchLevels` (issue 17): for every rotation step and for relinearization, the
/// highest level the executor really switches keys at — recorded on compiled plans — and
/// CKKS runs with keys trimmed to those levels.
@Suite struct KeyLevelTests {
    static let cases: [(model: String, options: PlanCompiler.Options)] = [
        ("digits_mlp_square", .init(t1: 16, t2: 16, logN: 10, insecure: true)),
        ("digits_mlp_poly2", .init(t1: 16, t2: 16, logN: 10, insecure: true)),
        ("digits_mlp_poly2", .init(t1: 16, t2: 16, logN: 10, insecure: true, firstForm: .typeB, diagonal: false)),
        ("digits_mlp_poly2", .init(t1: 1, t2: 64, logN: 12, insecure: true)),
        ("digits_mlp_square", .init(t1: 1, t2: 64, logN: 12, insecure: true)),
    ]

    static func plan(_ index: Int) throws -> Plan {
        let (model, options) = cases[index]
        return try PlanRunner.compile(TestPaths.path("models/\(model).onnx"), options: options).0
    }

    @Test("The level map equals the highest level of every rotation and relinearization the executor runs",
          arguments: 0..<cases.count)
    func levelMapMatchesExecution(_ index: Int) throws {
        try Self.expectLevelMapMatchesExecution(Self.plan(index))
    }

    @Test("The level map of row-diagonal (R) layers: babies at the input level, each group's giants one lower")
    func rowDiagonalLevels() throws {
        for (sizes, t1, t2) in [([16, 16, 96], 4, 8), ([64, 16], 1, 4), ([12, 20, 100], 4, 8)] {
            let plan = try PlanCompiler(options: .init(t1: t1, t2: t2, logN: 10, insecure: true))
                .compile(PlanTestSupport.mlp(sizes, seed: 41))
            #expect(DiagonalPlanTests.forms(plan).last == .rowDiagonal)
            try Self.expectLevelMapMatchesExecution(plan)
        }
    }

    static func expectLevelMapMatchesExecution(_ plan: Plan) throws {
        let recorder = LevelRecorder()
        let backend = LevelRecordingBackend(base: try SimulatedBackend(plan: plan), recorder: recorder)
        let executor = try PlanExecutor(plan: plan, backend: backend)
        let rows = PlanTestSupport.rows(PlanTestSupport.randomInputs(3, features: plan.inputFeatures, seed: 11))
        _ = try executor.run(executor.encrypt(TileLayout(plan: plan).encodeInput(rows.map { $0.map { $0 * 0.5 } })))
        let levels = plan.keySwitchLevels
        #expect(levels.rotations == recorder.rotations, "\(plan.model)")
        #expect(levels.relinearization == recorder.relinearization)
        #expect(Set(levels.rotations.keys) == Set(plan.rotationSteps))
        #expect(levels.conjugation == nil)
        // The trimming is real: some key sits below the top.
        #expect(levels.rotations.values.contains { $0 < plan.parameters.maxLevel })
    }

    @Test("Galois elements: one level per element, the conjugation key at the top for bootstraps")
    func galoisElementLevels() throws {
        let plan = try Self.plan(1)
        let degree = 1 << plan.parameters.logN
        let elements = plan.galoisElementLevels(degree: degree)
        #expect(elements.count == plan.rotationSteps.count)
        #expect(elements.values.sorted() == plan.keySwitchLevels.rotations.values.sorted())
        // Step s is the element 5^s mod 2N.
        for (step, level) in plan.keySwitchLevels.rotations {
            var g = 1
            for _ in 0..<step { g = g * 5 % (2 * degree) }
            #expect(elements[g] == level)
        }
    }

    @Test("CKKS with keys trimmed to the level map: the outputs of the plan in exact arithmetic", arguments: [1, 2])
    func trimmedKeysRun(_ index: Int) throws {
        let plan = try Self.plan(index)
        let backend = try CKKSBackend.clientAndServer(for: plan, threads: 2, relinearization: plan.needsRelinearization)
        let executor = try PlanExecutor(plan: plan, backend: backend)
        let rows = PlanTestSupport.rows(PlanTestSupport.randomInputs(2, features: plan.inputFeatures, seed: 4)).map { $0.map { $0 * 0.5 } }
        let layout = TileLayout(plan: plan)
        let outputs = try executor.run(executor.encrypt(layout.encodeInput(rows))).map { tile -> [Double] in
            switch tile {
            case .cipher(let ct): return try backend.decrypt(ct)
            case .plain(let values): return values
            }
        }
        let decoded = layout.decodeOutput(outputs, samples: rows.count)
        let reference = try PlanRunner.simulate(plan, rows: rows)
        let error = zip(decoded, reference).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? .infinity
        #expect(error < 1e-3)
    }
}

/// Records the level of every rotation and ciphertext product.
final class LevelRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var rotations: [Int: Int] = [:]
    private(set) var relinearization: Int?

    func rotation(_ step: Int, _ level: Int) {
        lock.withLock { rotations[step] = max(rotations[step] ?? level, level) }
    }

    func product(_ level: Int) {
        lock.withLock { relinearization = max(relinearization ?? level, level) }
    }
}

/// A backend that forwards to `base` and tells `recorder` the level of each key switch.
struct LevelRecordingBackend<Base: HEBackend>: HEBackend {
    typealias Ciphertext = Base.Ciphertext
    typealias Plaintext = Base.Plaintext
    let base: Base
    let recorder: LevelRecorder

    var slotCount: Int { base.slotCount }
    var maxLevel: Int { base.maxLevel }
    var defaultScale: Double { base.defaultScale }
    func modulus(atLevel level: Int) -> Double { base.modulus(atLevel: level) }
    func level(of ciphertext: Ciphertext) -> Int { base.level(of: ciphertext) }
    func scale(of ciphertext: Ciphertext) -> Double { base.scale(of: ciphertext) }
    func encode(_ values: [Double], level: Int, scale: Double, purpose: PlaintextPurpose) throws -> Plaintext {
        try base.encode(values, level: level, scale: scale, purpose: purpose)
    }
    func encrypt(_ values: [Double], level: Int, scale: Double) throws -> Ciphertext {
        try base.encrypt(values, level: level, scale: scale)
    }
    func decrypt(_ ciphertext: Ciphertext) throws -> [Double] { try base.decrypt(ciphertext) }
    func add(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext { try base.add(lhs, rhs) }
    func add(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext { try base.add(ciphertext, plain: plain) }
    func add(_ ciphertext: Ciphertext, constant: Double) throws -> Ciphertext { try base.add(ciphertext, constant: constant) }
    func multiply(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext { try base.multiply(ciphertext, plain: plain) }
    func multiplyAccumulate(_ ciphertexts: [Ciphertext], _ plaintexts: [Plaintext]) throws -> Ciphertext {
        try base.multiplyAccumulate(ciphertexts, plaintexts)
    }
    func multiply(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        recorder.product(base.level(of: lhs))
        return try base.multiply(lhs, rhs)
    }
    func multiply(_ ciphertext: Ciphertext, constant: Double, scale: Double) throws -> Ciphertext {
        try base.multiply(ciphertext, constant: constant, scale: scale)
    }
    func rescale(_ ciphertext: Ciphertext) throws -> Ciphertext { try base.rescale(ciphertext) }
    func dropLevel(_ ciphertext: Ciphertext, to level: Int) throws -> Ciphertext { try base.dropLevel(ciphertext, to: level) }
    func rotate(_ ciphertext: Ciphertext, by steps: Int) throws -> Ciphertext {
        recorder.rotation(steps, base.level(of: ciphertext))
        return try base.rotate(ciphertext, by: steps)
    }
}
