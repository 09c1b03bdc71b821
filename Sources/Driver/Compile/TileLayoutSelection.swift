internal import HepexcPasses
internal import HepexcPlan

/// Tile-layout selection (`--tile auto`): scores the lowered model under
/// every candidate tile shape and first-layer form and keeps the plan the
/// cost model (``CostModel``, beside this file) estimates best for the
/// objective. The lowering itself is done once. Candidates are scored from
/// plan skeletons (``PlanSkeleton``: the weights' zero pattern, no packing or
/// validation, `TileLayoutSelection+Estimate.swift`), whose reports equal the
/// full plans' in everything but the error estimate; only the winner is
/// compiled in full. With a precision target every candidate is compiled.
struct TileLayoutSelection {
    var shapes: [(t1: Int, t2: Int)]
    var forms: [FCForm?]
    var options: PlanCompiler.Options
    var costModel: CostModel
    var objective: CompileObjective
    /// The batch whose latency the latency objective minimises.
    var batch: Int
    /// Skip candidates whose estimated server memory exceeds this (auto only).
    var maxMemoryBytes: Int?

    /// The best plan and its report.
    /// - Throws: the compiler's error when there is one candidate, otherwise
    ///   `DriverError.execution` listing why each candidate failed.
    func select(_ lowered: PlanCompiler.Lowered) throws(DriverError) -> (plan: Plan, report: PlanReport) {
        // One candidate is compiled as it is; `--precision` chooses the scale
        // from the error estimate, which needs the weights' values.
        if shapes.count == 1 && forms.count == 1 || options.precision != nil { return try selectByCompiling(lowered) }
        return try selectByEstimate(lowered)
    }

    /// The selection compiling every candidate in full.
    func selectByCompiling(_ lowered: PlanCompiler.Lowered) throws(DriverError) -> (plan: Plan, report: PlanReport) {
        var best: (plan: Plan, report: PlanReport)?
        var failures: [(shape: String, reason: String)] = []
        let single = shapes.count == 1 && forms.count == 1
        let dense = lowered.denseShapes
        // A first-layer form is only an input to the layer forms: a candidate
        // whose forms equal an earlier one's at the same shape compiles to the
        // same plan, so it can neither win (ties keep the earlier) nor fail
        // differently. Skipping it leaves the choice as it was.
        var compiled: Set<String> = []
        var failed: [String: String] = [:]
        for (t1, t2) in shapes {
            for first in forms {
                let key = duplicateKey(dense, t1: t1, t2: t2, first: first)
                if let key {
                    if compiled.contains(key) { continue }
                    if let reason = failed[key] { failures.append(("\(t1)x\(t2)", reason)); continue }
                }
                var candidate = options
                (candidate.t1, candidate.t2, candidate.firstForm) = (t1, t2, first)
                do {
                    let plan = try PlanRunner.compile(lowered, options: candidate)
                    let report = PlanReport(plan, costModel: costModel)
                    if let maxMemoryBytes, report.estimatedMemoryBytes > maxMemoryBytes {
                        let reason = "estimated memory above \(maxMemoryBytes >> 20) MiB"
                        failures.append(("\(t1)x\(t2)", reason))
                        if let key { failed[key] = reason }
                        continue
                    }
                    if let key { compiled.insert(key) }
                    if best.map({ score(report) < score($0.report) }) ?? true { best = (plan, report) }
                } catch {
                    if single { throw error }
                    let reason = error.userMessage(limit: 200)
                    failures.append(("\(t1)x\(t2)", reason))
                    if let key { failed[key] = reason }
                }
            }
        }
        guard let best else { throw Self.noCandidate(failures) }
        return best
    }

    /// Candidates with equal keys compile to the same plan (`nil`: never skipped).
    func duplicateKey(_ dense: [(inFeatures: Int, outFeatures: Int)], t1: Int, t2: Int, first: FCForm?) -> String? {
        options.packed || first == .diagonal ? nil
            : "\(t1)x\(t2):" + PlanCompiler.chooseForms(dense, t1: t1, t2: t2, firstForm: first,
                                                       diagonal: options.diagonal).map(\.rawValue).joined(separator: ",")
    }

    /// Why no candidate works.
    static func noCandidate(_ failures: [(shape: String, reason: String)]) -> DriverError {
        // One reason for every shape (the model itself cannot run encrypted) is said once.
        let reasons = Set(failures.map(\.reason))
        if reasons.count == 1, let reason = reasons.first { return .execution(reason) }
        return .execution("no tile shape works: " + failures.map { "\($0.shape): \($0.reason)" }.joined(separator: "; "))
    }

    /// The estimated seconds the objective minimises.
    func score(_ report: PlanReport) -> Double {
        let perCiphertext = report.estimatedSeconds + report.estimatedEncryptSeconds
        switch objective {
        case .latency:
            let ciphertexts = (batch + report.batchPerCiphertext - 1) / report.batchPerCiphertext
            return perCiphertext * Double(ciphertexts)
        case .throughput:
            return perCiphertext / Double(report.batchPerCiphertext)
        }
    }
}
