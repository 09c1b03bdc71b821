import HepexcPasses
import HepexcPlan
import Testing

/// `--tile auto` compiles one lowered model under many tile shapes; the
/// value bounds (tile-independent, and most of a compile's time) are
/// computed once per input range and calibration and shared.
@Suite struct BoundsMemoTests {
    @Test func sharedBoundsEqualFreshOnesForEveryShapeAndRange() throws {
        let graph = PlanTestSupport.mlp([32, 16, 8], seed: 41, zeroTiles: 0.2)
        let lowered = try PlanCompiler.lower(graph)
        for range in [-1.0...1.0, 0.0...2.0] {
            for (t1, t2) in [(4, 4), (8, 8), (1, 16)] {
                var options = PlanCompiler.Options(t1: t1, t2: t2, logN: 10, insecure: true)
                options.inputRange = range
                let shared = try PlanCompiler(options: options).compile(lowered)
                let fresh = try PlanCompiler(options: options).compile(graph)
                #expect(shared.bounds == fresh.bounds)
                #expect(shared.bounds?.inputUpper == range.upperBound)
            }
        }
        var calibrated = PlanCompiler.Options(t1: 4, t2: 4, logN: 10, insecure: true)
        calibrated.calibration = PlanTestSupport.rows(PlanTestSupport.randomInputs(8, features: 32, seed: 42))
        let withData = try PlanCompiler(options: calibrated).compile(lowered)
        #expect(withData.bounds?.source == "calibration")
        #expect(withData.bounds == (try PlanCompiler(options: calibrated).compile(graph)).bounds)
    }
}
