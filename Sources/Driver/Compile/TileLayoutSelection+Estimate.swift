internal import HepexcCKKS
internal import HepexcExecutor
internal import HepexcPasses
internal import HepexcPlan

/// `--tile auto` by estimate (issue 17): every candidate is scored from its
/// plan skeleton (``PlanSkeleton``), whose report equals the full plan's in
/// every field the choice reads (latency, encryption, memory, samples per
/// ciphertext) — `EstimateEqualityTests` checks every field but the error
/// estimate for every candidate — and only the winner is packed,
/// validated and reported in full.
extension TileLayoutSelection {
    /// The candidate the full selection (``selectByCompiling(_:)``) would
    /// choose: the lowest score, the earliest among equals. Should the winner's
    /// full compile fail where its skeleton did not (validation), the next
    /// candidate in score order is compiled.
    /// - Parameter compile: the full compile (tests inject a failing one).
    func selectByEstimate(_ lowered: PlanCompiler.Lowered,
                          compile: (PlanCompiler.Lowered, PlanCompiler.Options) throws(DriverError) -> Plan = { lowered, options throws(DriverError) in
                              try PlanRunner.compile(lowered, options: options)
                          }) throws(DriverError) -> (plan: Plan, report: PlanReport) {
        let memo = ParameterMemo()
        let dense = lowered.denseShapes
        var scored: [(order: Int, options: PlanCompiler.Options, score: Double)] = []
        var failures: [(order: Int, shape: String, reason: String)] = []
        // Duplicates are skipped as in ``selectByCompiling(_:)``.
        var compiled: Set<String> = []
        var failed: [String: String] = [:]
        var order = 0
        for (t1, t2) in shapes {
            for first in forms {
                defer { order += 1 }
                let key = duplicateKey(dense, t1: t1, t2: t2, first: first)
                if let key {
                    if compiled.contains(key) { continue }
                    if let reason = failed[key] { failures.append((order, "\(t1)x\(t2)", reason)); continue }
                }
                var candidate = options
                (candidate.t1, candidate.t2, candidate.firstForm) = (t1, t2, first)
                do {
                    let report = try estimatedReport(lowered, options: candidate, memo: memo)
                    if let maxMemoryBytes, report.estimatedMemoryBytes > maxMemoryBytes {
                        let reason = "estimated memory above \(maxMemoryBytes >> 20) MiB"
                        failures.append((order, "\(t1)x\(t2)", reason))
                        if let key { failed[key] = reason }
                        continue
                    }
                    if let key { compiled.insert(key) }
                    scored.append((order, candidate, score(report)))
                } catch {
                    let reason = error.userMessage(limit: 200)
                    failures.append((order, "\(t1)x\(t2)", reason))
                    if let key { failed[key] = reason }
                }
            }
        }
        for candidate in scored.sorted(by: { ($0.score, $0.order) < ($1.score, $1.order) }) {
            let shape = "\(candidate.options.t1)x\(candidate.options.t2)"
            do {
                let plan = try compile(lowered, candidate.options)
                let report = PlanReport(plan, costModel: costModel)
                if let maxMemoryBytes, report.estimatedMemoryBytes > maxMemoryBytes {
                    failures.append((candidate.order, shape, "estimated memory above \(maxMemoryBytes >> 20) MiB"))
                    continue
                }
                return (plan, report)
            } catch {
                failures.append((candidate.order, shape, error.userMessage(limit: 200)))
            }
        }
        throw Self.noCandidate(failures.sorted { $0.order < $1.order }.map { ($0.shape, $0.reason) })
    }

    /// The report of the plan `options` compile `lowered` to, from its
    /// skeleton: the runtime's key-switching layout and bootstrap rotation
    /// steps recorded as ``PlanRunner/compile(_:options:)-(Lowered,_)`` records them
    /// (memoised in `memo`), the same errors, and `expectedMaxError` NaN
    /// (a skeleton has no weight values to estimate it from).
    func estimatedReport(_ lowered: PlanCompiler.Lowered, options: PlanCompiler.Options,
                         memo: ParameterMemo) throws(DriverError) -> PlanReport {
        let skeleton: PlanSkeleton?
        do { skeleton = try PlanCompiler(options: options).estimate(lowered) } catch { throw .pass(error) }
        guard let skeleton else {
            // The plan depends on the weights' values: compile it in full.
            return PlanReport(try PlanRunner.compile(lowered, options: options), costModel: costModel)
        }
        var plan = try skeleton.plan.completingBootstraps(parameters: { literal throws in try memo.parameters(literal) },
                                                          rotationSteps: { settings, literal, parameters throws in
                                                              try memo.rotationSteps(settings, literal: literal, parameters: parameters)
                                                          },
                                                          validate: false)
        do { plan.parameters.digits = try memo.parameters(plan.parameters.literal).digitCount } catch { throw DriverError(error) }
        let digits = (try? memo.parameters(plan.parameters.literal))?.digitCount ?? plan.parameters.logQ.count
        return PlanReport(plan, costModel: costModel, insecure: !memo.meetsSecurityStandard(plan.parameters), digits: digits,
                          expectedMaxError: .nan)
    }
}
