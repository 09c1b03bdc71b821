import HepexcDriver
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// A crafted plan file cannot make hepexc crash, index past the modulus
/// chain or generate gigabytes of keys (issue 14 §4, §5).
@Suite struct PlanValidationSafetyTests {
    static func plan() throws -> Plan {
        try PlanRunner.compile(TestPaths.path("models/digits_mlp_square.onnx"), options: .init(t1: 1, t2: 64)).0
    }

    @Test func extraRotationStepsAreRefused() throws {
        var plan = try Self.plan()
        plan.rotationSteps = Array(1..<plan.tile.slotCount)
        #expect(throws: PlanError.self) { try plan.validate() }
    }

    @Test func aDepthBelowWhatTheLayersConsumeIsRefused() throws {
        var plan = try Self.plan()
        plan.depth -= 1
        plan.parameters.logQ.removeLast()
        #expect(throws: PlanError.self) { try plan.validate() }
    }

    @Test func hugeSizesAreRefusedWithoutOverflow() throws {
        var plan = try Self.plan()
        plan.tile = TileShape(t1: 1 << 32, t2: 1 << 32, t3: 1 << 32)
        #expect(throws: PlanError.self) { try plan.validate() }
        var features = try Self.plan()
        features.inputFeatures = Int.max
        #expect(throws: PlanError.self) { try features.validate() }
    }

    @Test func aHugeBatchIsRefusedWithoutOverflow() throws {
        let request = CompileRequest(model: TestPaths.path("models/digits_mlp_square.onnx"), batch: 1 << 62)
        #expect(throws: DriverError.self) { try request.validate() }
        #expect(throws: PassError.self) {
            _ = try PlanCompiler(options: .init(t1: 1 << 40, t2: 1 << 40, minimumBatch: 1 << 62))
                .compile(ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph)
        }
    }
}
