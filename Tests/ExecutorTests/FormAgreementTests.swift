import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing

/// Pruning and lowering cut every layer the same way: the pruning passes use
/// the compiler's form chooser with the compiler's options, so the tiles
/// they empty are tiles the plan skips.
@Suite struct FormAgreementTests {
    /// The bug this pins: with `--no-diagonal`, `prune-tiles` cut row
    /// blocks of W (Type A, as if a diagonal layer came first) while the
    /// compiler packed blocks of Wᵀ (Type B): on an 8-16-16-4 MLP at 1x16,
    /// half the tiles pruned left layer 2 with 16/16 tiles stored.
    @Test(arguments: [false, true])
    func tilePruningEmptiesTheTilesTheCompilerPacks(diagonal: Bool) throws {
        var graph = PlanTestSupport.mlp([8, 16, 16, 4], seed: 5)
        let flag = diagonal ? "" : ",diagonal=false"
        try PassManager(parsing: "prune-tiles{ratio=0.5,tile=1x16\(flag)}").run(on: &graph)
        let plan = try PlanCompiler(options: .init(t1: 1, t2: 16, logN: 11, insecure: true, diagonal: diagonal)).compile(graph)
        var checked = 0
        for case .fullyConnected(let layer) in plan.layers where layer.form != .diagonal && layer.totalTiles > 1 {
            #expect(layer.tiles.count * 2 <= layer.totalTiles + 1,
                    "\(layer.name) (\(layer.form)): \(layer.tiles.count)/\(layer.totalTiles) tiles stored after pruning half")
            checked += 1
        }
        if !diagonal { #expect(checked >= 2) }
    }

    @Test func passesPrintTheDiagonalChoiceBack() throws {
        let pipeline = try PassPipeline(parsing: "prune-tiles{ratio=0.5,tile=1x16,diagonal=false},permute{tile=1x16,diagonal=false}")
        #expect(pipeline.description.contains("diagonal=false"))
        #expect(throws: PassError.self) { try PassManager(parsing: "expand{tile=4x4,diagonal=maybe}") }
    }
}
