import Foundation
import HepexcCKKS
@testable import HepexcDriver
import HepexcExecutor
import HepexcIR
@testable import HepexcPasses
@testable import HepexcPlan
import Testing
import _HepexcTestSupport

/// `--tile auto` by estimate (issue 17): candidates are scored from plan
/// skeletons (the weights' zero pattern, no packing), and only the winner is
/// compiled in full. The skeleton's report must equal the full plan's in
/// every field but the error estimate, for every candidate, so that the
/// choice is the one the full evaluation makes.
@Suite struct TileEstimateTests {
    /// The selection `hepexc compile --tile auto` builds (Compilation.run).
    static func selection(batch: Int? = nil, objective: CompileObjective = .latency, diagonal: Bool = true,
                          shapes: [(t1: Int, t2: Int)] = TileChoice.auto.shapes, maxMemoryMiB: Int = 4096,
                          bootstrap: BootstrapOptions? = BootstrapChoice.options(.auto, insecureLogN: nil, levelsAfter: nil),
                          logN: Int? = nil) -> TileLayoutSelection {
        var options = PlanCompiler.Options(t1: 16, t2: 16, logN: logN, insecure: logN != nil, minimumBatch: batch, diagonal: diagonal)
        options.bootstrap = bootstrap
        return TileLayoutSelection(shapes: shapes, forms: [nil, .typeA, .typeB] + (diagonal ? [.diagonal] : []),
                                   options: options, costModel: .default, objective: objective, batch: batch ?? 1,
                                   maxMemoryBytes: maxMemoryMiB << 20)
    }

    static func lowered(_ model: String, passes: String? = nil) throws -> PlanCompiler.Lowered {
        try PlanRunner.lower(try PlanRunner.loadForCompilation(TestPaths.path(model), passes: passes))
    }

    /// For every candidate shape and first-layer form: the skeleton's report
    /// equals the full report (but for `expected_max_error`), or both fail
    /// with the same message; the skeleton's layers are the full plan's with
    /// the Type-A/B tile values removed.
    func expectEstimatesEqualFullReports(_ lowered: PlanCompiler.Lowered, _ selection: TileLayoutSelection,
                                         comment: String) throws -> Int {
        let memo = ParameterMemo()
        var (compared, bounded) = (0, 0)
        defer { #expect(bounded > 0 || compared == 0, "\(comment): no candidate had a lower bound") }
        for (t1, t2) in selection.shapes {
            for first in selection.forms {
                var options = selection.options
                (options.t1, options.t2, options.firstForm) = (t1, t2, first)
                let label = "\(comment) \(t1)x\(t2) \(first?.rawValue ?? "rule")"
                let full: Result<Plan, DriverError> = Result { () throws(DriverError) in try PlanRunner.compile(lowered, options: options) }
                let estimate = Result { () throws(DriverError) in try selection.estimatedReport(lowered, options: options, memo: memo) }
                switch (full, estimate) {
                case let (.success(plan), .success(report)):
                    let fullReport = PlanReport(plan, costModel: selection.costModel)
                    #expect(report.expectedMaxError.isNaN, "\(label)")
                    var comparable = report
                    comparable.expectedMaxError = fullReport.expectedMaxError
                    #expect(comparable == fullReport, "\(label): estimate differs from the full report")
                    #expect(selection.score(report) == selection.score(fullReport), "\(label)")
                    // The bound that skips candidates never exceeds the score.
                    if let bound = selection.lowerBound(lowered, options) {
                        #expect(bound <= selection.score(fullReport), "\(label): bound \(bound) above the score")
                        bounded += 1
                    }
                    let skeleton = try #require(try PlanCompiler(options: options).estimate(lowered), "\(label)")
                    #expect(skeleton.plan.layers.map(Self.withoutValues) == plan.layers.map(Self.withoutValues) || plan.bootstraps, "\(label): skeleton layers")
                    compared += 1
                case let (.failure(fullError), .failure(estimateError)):
                    #expect(fullError.userMessage(limit: 200) == estimateError.userMessage(limit: 200), "\(label)")
                default:
                    Issue.record("\(label): full \(full), estimate \(estimate)")
                }
            }
        }
        return compared
    }

    /// A layer with its Type-A/B (and row-diagonal) weight values dropped
    /// (what a skeleton holds; Type-D layers are packed in full, row diagonals
    /// of a weight with zeros too).
    static func withoutValues(_ layer: PlanLayer) -> PlanLayer {
        guard case .fullyConnected(var fc) = layer, fc.form != .diagonal else { return layer }
        fc.tiles = fc.tiles.map { WeightTile(row: $0.row, col: $0.col, values: []) }
        return .fullyConnected(fc)
    }

    @Test("every candidate of the digits MLPs: shape-only estimate = full report")
    func digitsEstimatesEqualFullReports() throws {
        for model in ["models/digits_mlp_square.onnx", "models/digits_mlp_poly2.onnx"] {
            let compared = try expectEstimatesEqualFullReports(try Self.lowered(model), Self.selection(), comment: model)
            #expect(compared > 40, "\(model): only \(compared) candidates compiled")
        }
        let batched = try expectEstimatesEqualFullReports(try Self.lowered("models/digits_mlp_square.onnx"),
                                                          Self.selection(batch: 64, diagonal: false), comment: "batch 64")
        #expect(batched > 20)
        let throughput = try expectEstimatesEqualFullReports(try Self.lowered("models/digits_mlp_square.onnx"),
                                                             Self.selection(objective: .throughput), comment: "throughput")
        #expect(throughput > 40)
    }

    /// A wide last layer (784 outputs): row-diagonal candidates, packed in
    /// full inside the skeleton, or Type A where that is cheaper.
    @Test("row-diagonal candidates of the MNIST autoencoder: estimate = full report")
    func rowDiagonalEstimatesEqualFullReports() throws {
        let lowered = try Self.lowered("models/mnist_autoencoder.onnx")
        let shapes = [(t1: 1, t2: 8), (2, 16), (4, 4), (8, 8), (16, 16), (8, 32), (1, 64)]
        let compared = try expectEstimatesEqualFullReports(lowered, Self.selection(shapes: shapes), comment: "mnist_autoencoder")
        #expect(compared >= 7)
    }

    /// Tile-pruned weights: which tiles are stored depends on the shape, and
    /// the zero pattern (not the shape) decides the counts.
    @Test("pruned and tile-sparse models: the zero pattern gives the stored tiles of every shape")
    func sparseEstimatesEqualFullReports() throws {
        let pruned = try Self.lowered("models/digits_mlp_square.onnx", passes: "prune-tiles{ratio=0.5}")
        #expect(try expectEstimatesEqualFullReports(pruned, Self.selection(), comment: "pruned") > 40)
        // Odd sizes (partial edge tiles) and 3×3 zero blocks that straddle tile edges.
        let graph = PlanTestSupport.mlp([37, 23, 11], seed: 5, zeroTiles: 0.6, tile: 3)
        let lowered = try PlanRunner.lower(graph)
        let shapes = [1, 2, 4, 8, 32].flatMap { t1 in [1, 4, 16, 64].map { (t1: t1, t2: $0) } }
        #expect(try expectEstimatesEqualFullReports(lowered, Self.selection(shapes: shapes, bootstrap: nil, logN: 12),
                                                    comment: "sparse mlp") > 20)
    }

    /// Bootstrapped candidates: the skeleton goes through the placement pass
    /// and the runtime's bootstrap rotation steps like the full plan.
    @Test("bootstrapped candidates: estimate = full report")
    func bootstrappedEstimatesEqualFullReports() throws {
        var graph = PlanTestSupport.mlp([16, 16, 16, 8], seed: 31)
        for name in ["w0", "w1", "w2"] {
            if let weight = graph.constants[name]?.value {
                graph.constants[name] = Constant(Tensor(shape: weight.shape, scalars: weight.scalars.map { Double(Float($0 * 0.35)) }))
            }
        }
        let lowered = try PlanRunner.lower(graph)
        let selection = Self.selection(shapes: [(4, 4), (8, 8), (16, 16), (1, 16)],
                                       bootstrap: BootstrapChoice.options(.auto, insecureLogN: 10, levelsAfter: 3), logN: 10)
        #expect(try expectEstimatesEqualFullReports(lowered, selection, comment: "bootstrapped") >= 4)
        let plan = try selection.select(lowered).plan
        #expect(plan.bootstraps)
    }

    /// The choice itself: the selection by estimate returns the plan and the
    /// report the selection compiling every candidate returns, for the
    /// option sets of the issue's check (latency, a batch, throughput, no
    /// Type D) — and the same error when nothing fits.
    @Test("selection by estimate = selection by full compilation")
    func estimateChoosesWhatFullCompilationChooses() throws {
        let lowered = try Self.lowered("models/digits_mlp_square.onnx")
        let selections = [Self.selection(), Self.selection(batch: 64), Self.selection(objective: .throughput),
                          Self.selection(diagonal: false), Self.selection(maxMemoryMiB: 40)]
        for selection in selections {
            let byEstimate = try selection.selectByEstimate(lowered)
            let byCompiling = try selection.selectByCompiling(lowered)
            #expect(byEstimate.plan == byCompiling.plan)
            #expect(byEstimate.report == byCompiling.report)
        }
        let none = Self.selection(maxMemoryMiB: 1)
        let estimateError = Result { () throws(DriverError) in try none.selectByEstimate(lowered) }
        let fullError = Result { () throws(DriverError) in try none.selectByCompiling(lowered) }
        guard case let .failure(a) = estimateError, case let .failure(b) = fullError else {
            Issue.record("a 1 MiB limit was met")
            return
        }
        #expect(a.userMessage() == b.userMessage())
        #expect(a.userMessage().contains("estimated memory above 1 MiB"))
    }

    /// A winner whose full compile fails where its skeleton did not (a check
    /// the estimate cannot see) gives way to the next candidate in score order.
    @Test("a winner failing its full compile falls back to the next by score")
    func fallbackToTheNextCandidate() throws {
        let lowered = try Self.lowered("models/digits_mlp_square.onnx")
        let selection = Self.selection()
        let winner = try selection.selectByEstimate(lowered)
        let rejected = (winner.plan.tile.t1, winner.plan.tile.t2)
        let next = try selection.selectByEstimate(lowered) { lowered, options throws(DriverError) in
            if (options.t1, options.t2) == rejected { throw .execution("rejected by the test") }
            return try PlanRunner.compile(lowered, options: options)
        }
        #expect((next.plan.tile.t1, next.plan.tile.t2) != rejected)
        #expect(selection.score(next.report) >= selection.score(winner.report))
        // It is the best of the others: the full selection without the rejected shape.
        var others = selection
        others.shapes.removeAll { $0 == rejected }
        #expect(next.plan == (try others.selectByCompiling(lowered)).plan)
    }

    /// Goldens of the automatic choice (`LoweringGolden/digits_auto_*.check`).
    @Test("the --tile auto choice matches its golden", arguments: [
        ("digits_auto_latency", 1, nil as String?),
        ("digits_auto_pruned_batch64", 64, "prune-tiles{ratio=0.5}"),
    ])
    func autoChoiceMatchesGolden(_ golden: String, _ batch: Int, _ passes: String?) throws {
        var request = CompileRequest(model: TestPaths.path("models/digits_mlp_square.onnx"), tile: .auto, batch: batch, quiet: true)
        request.passes = passes
        let dump = try Compilation.run(request).text
        let checks = try String(contentsOfFile: TestPaths.path("Tests/DriverTests/LoweringGolden/\(golden).check"), encoding: .utf8)
        let failures = FileCheck.run(checks, on: dump)
        #expect(failures.isEmpty, "\(golden).check: \(failures.map { $0.description }.joined(separator: "; "))\n--- plan dump ---\n\(dump)")
    }

    /// The plan file's payload is spliced (weight values written apart from
    /// `JSONEncoder`); it must be `JSONEncoder`'s bytes exactly, for tiled
    /// (A, B, D, sparse), packed and bootstrapped plans.
    @Test("the spliced plan payload = JSONEncoder's, byte for byte")
    func splicedPayloadEqualsJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var plans: [Plan] = []
        let digits = try PlanRunner.loadForCompilation(TestPaths.path("models/digits_mlp_square.onnx"))
        for (t1, t2, first) in [(16, 16, nil), (2, 32, nil), (8, 8, FCForm.typeA), (1, 64, FCForm.diagonal)] as [(Int, Int, FCForm?)] {
            plans.append(try PlanRunner.compile(digits, options: PlanCompiler.Options(t1: t1, t2: t2, logN: 12, insecure: true, firstForm: first)))
        }
        let sparse = PlanTestSupport.mlp([37, 23, 11], seed: 5, zeroTiles: 0.6, tile: 3)
        plans.append(try PlanRunner.compile(sparse, options: PlanCompiler.Options(t1: 4, t2: 8, logN: 11, insecure: true)))
        var packed = PlanCompiler.Options(t1: 1, t2: 1, logN: 11, insecure: true)
        packed.packed = true
        plans.append(try PlanRunner.compile(sparse, options: packed))
        var graph = PlanTestSupport.mlp([16, 16, 16, 8], seed: 31)
        for name in ["w0", "w1", "w2"] {
            if let weight = graph.constants[name]?.value {
                graph.constants[name] = Constant(Tensor(shape: weight.shape, scalars: weight.scalars.map { Double(Float($0 * 0.35)) }))
            }
        }
        var bootstrapped = PlanCompiler.Options(t1: 16, t2: 16, logN: 10, insecure: true)
        bootstrapped.bootstrap = BootstrapChoice.options(.auto, insecureLogN: 10, levelsAfter: 3)
        plans.append(try PlanRunner.compile(graph, options: bootstrapped))
        // Values JSONEncoder writes in every form: integral, tiny, huge, negative zero, subnormal.
        var odd = plans[0]
        if case .fullyConnected(var fc) = odd.layers[0] {
            fc.tiles[0].values[0...5] = [1, -0.0, 1e-7, 3.4e38, 1.0e-40, -12345678]
            odd.layers[0] = .fullyConnected(fc)
        }
        plans.append(odd)
        for (index, plan) in plans.enumerated() {
            #expect(try plan.jsonPayload() == [UInt8](try encoder.encode(plan)), "plan \(index)")
            #expect(try Plan(serialized: try plan.serialized()) == plan, "plan \(index)")
        }
    }

    /// Property: the memoised block grids equal a direct scan for every
    /// power-of-two block size, odd matrix sizes included.
    @Test("tile occupancy grids = a direct scan of the weights")
    func occupancyMatchesDirectScan() {
        var rng = SplitMix64(seed: 17)
        let (out, inFeatures) = (37, 45)
        let scalars = (0..<(out * inFeatures)).map { _ -> Double in
            Double.random(in: 0..<1, using: &rng) < 0.93 ? 0 : (Double.random(in: 0..<1, using: &rng) < 0.1 ? 1e-50 : 1)
        }
        let weight = Tensor(shape: [out, inFeatures], scalars: scalars)
        let occupancy = TileOccupancy()
        for rows in [1, 2, 4, 8, 16, 32, 64] {
            for columns in [64, 1, 8, 2, 32, 4, 16] {
                let (height, width) = ((out + rows - 1) / rows, (inFeatures + columns - 1) / columns)
                var expected = [Bool](repeating: false, count: height * width)
                for o in 0..<out {
                    // 1e-50 is zero as a Float: not stored, as `pack` does not store it.
                    for n in 0..<inFeatures where Float(scalars[o * inFeatures + n]) != 0 { expected[(o / rows) * width + n / columns] = true }
                }
                #expect(occupancy.blocks(step: 0, weight: weight, rows: rows, columns: columns) == expected, "\(rows)x\(columns)")
            }
        }
    }
}
