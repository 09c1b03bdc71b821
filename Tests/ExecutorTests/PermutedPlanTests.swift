import HepexcDriver
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing

/// HE-PEx: a permuted model compiles to a plan whose client-side input and
/// output permutations make it compute the original function, with fewer
/// weight tiles.
@Suite struct PermutedPlanTests {
    @Test(arguments: [4, 8])
    func permutedPlanMatchesTheModel(_ tile: Int) throws {
        var graph = PlanTestSupport.mlp([32, 32, 16, 10], seed: 11)
        try PassManager(parsing: "prune{ratio=0.85}").run(on: &graph)
        var permuted = graph
        try PassManager(parsing: "permute{tile=\(tile)x\(tile)}").run(on: &permuted)
        let options = PlanCompiler.Options(t1: tile, t2: tile, logN: 11, insecure: true)
        let plain = try PlanCompiler(options: options).compile(graph)
        let plan = try PlanCompiler(options: options).compile(permuted)
        #expect(plan.inputPermutation != nil)
        #expect(!permuted.operations.isEmpty)
        let tiles = { (plan: Plan) in plan.layers.reduce(0) { total, layer in
            if case .fullyConnected(let fc) = layer { return total + fc.tiles.count }
            return total
        } }
        #expect(tiles(plan) < tiles(plain))
        let inputs = PlanTestSupport.randomInputs(6, features: 32, seed: 3)
        let expected = try PlanTestSupport.reference(graph, inputs)
        let actual = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(inputs))
        #expect(PlanTestSupport.maxDifference(expected, actual) < 1e-3)
    }
}
