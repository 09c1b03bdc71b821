internal import HepexcIR
internal import HepexcPasses
internal import HepexcPlan

/// How convolutions are packed (`compile --conv`, issue 17).
public enum ConvPacking: String, CaseIterable, Sendable {
    /// Lower every affine segment to its Toeplitz matrix in t1×t2 tiles.
    case toeplitz
    /// Batch in the slots, one feature per ciphertext (``PackedLayer``):
    /// no rotations and an input of just the pixels, for batches that fill
    /// the ring's slots.
    case packed
    /// Packing when the model has a convolution, a batch is stated
    /// (`--batch`) or the tile is chosen (`--tile auto`), and the cost
    /// model estimates it cheaper for the objective; Toeplitz otherwise.
    case auto
}

/// The packed candidate of `compile --conv auto|packed`, and the choice
/// between it and the tiled plan.
struct ConvPackingChoice {
    var mode: ConvPacking
    var selection: TileLayoutSelection
    var hasConvolution: Bool
    var batchStated: Bool

    /// Whether the packed plan is compiled at all.
    var considered: Bool {
        switch mode {
        case .toeplitz: false
        case .packed: true
        case .auto: hasConvolution && (batchStated || selection.shapes.count > 1)
        }
    }

    /// The plan to write and a note on the choice (`nil` when packing was not considered).
    /// - Throws: with `--conv packed`, why the model cannot be packed; otherwise the tiled selection's error.
    func choose(_ lowered: PlanCompiler.Lowered) throws(DriverError) -> (plan: Plan, report: PlanReport, note: String?) {
        if mode == .packed {
            if let obstacle = PlanCompiler.packingObstacle(lowered) { throw .invalidOption("--conv packed: \(obstacle)") }
            let packed = try compilePacked(lowered)
            return (packed.plan, packed.report, nil)
        }
        guard considered else {
            let tiled = try selection.select(lowered)
            return (tiled.plan, tiled.report, nil)
        }
        let tiled: (plan: Plan, report: PlanReport)
        do { tiled = try selection.select(lowered) } catch {
            // No tile shape holds the batch (or the model): packing may still.
            guard PlanCompiler.packingObstacle(lowered) == nil, let packed = try? compilePacked(lowered) else { throw error }
            return (packed.plan, packed.report, "convolution packing chosen: Toeplitz tiles cannot run it (\(error.userMessage(limit: 200)))")
        }
        if let obstacle = PlanCompiler.packingObstacle(lowered) {
            return (tiled.plan, tiled.report, "convolution packing not used: \(obstacle); Toeplitz tiles instead")
        }
        let packed: (plan: Plan, report: PlanReport)
        do { packed = try compilePacked(lowered) } catch {
            return (tiled.plan, tiled.report, "convolution packing not used: \(error.userMessage(limit: 200)); Toeplitz tiles instead")
        }
        if let limit = selection.maxMemoryBytes, packed.report.estimatedMemoryBytes > limit {
            return (tiled.plan, tiled.report, "convolution packing not used: estimated memory above \(limit >> 20) MiB")
        }
        let (packedScore, tiledScore) = (selection.score(packed.report), selection.score(tiled.report))
        let estimate = String(format: "(estimated %.3g s vs %.3g s %@)", packedScore, tiledScore,
                              selection.objective == .latency ? "for a batch of \(selection.batch)" : "per sample")
        if packedScore < tiledScore {
            return (packed.plan, packed.report, "convolution packing chosen over Toeplitz tiles " + estimate)
        }
        return (tiled.plan, tiled.report, "Toeplitz tiles chosen over convolution packing " + estimate)
    }

    private func compilePacked(_ lowered: PlanCompiler.Lowered) throws(DriverError) -> (plan: Plan, report: PlanReport) {
        var options = selection.options
        options.packed = true
        let plan = try PlanRunner.compile(lowered, options: options)
        return (plan, PlanReport(plan, costModel: selection.costModel))
    }
}
