internal import HepexcCKKS
internal import HepexcExecutor
internal import HepexcPasses
internal import HepexcPlan

/// `--tile auto` by estimate (issue 17): every candidate is scored from its
/// plan skeleton (``PlanSkeleton``), whose report equals the full plan's in
/// every field the choice reads (latency, encryption, memory, samples per
/// ciphertext) — `TileEstimateTests` checks every field but the error
/// estimate for every candidate — and only the winner is packed,
/// validated and reported in full.
extension TileLayoutSelection {
    /// One candidate: its place in the full enumeration (shapes × forms,
    /// which breaks ties and orders failures) and its options.
    typealias Candidate = (order: Int, options: PlanCompiler.Options)

    /// The candidate the full selection (``selectByCompiling(_:)``) would
    /// choose: the lowest score, the earliest among equals. Shapes are
    /// visited largest tile first, so that a good score is known early and
    /// candidates whose first layer alone costs more (``lowerBound(_:_:)``)
    /// are skipped without a skeleton; they cannot win. Should the winner's
    /// full compile fail where its skeleton did not (validation), the
    /// skipped candidates are scored too and the next in score order is
    /// compiled.
    /// - Parameter compile: the full compile (tests inject a failing one).
    func selectByEstimate(_ lowered: PlanCompiler.Lowered,
                          compile: (PlanCompiler.Lowered, PlanCompiler.Options) throws(DriverError) -> Plan = { lowered, options throws(DriverError) in
                              try PlanRunner.compile(lowered, options: options)
                          }) throws(DriverError) -> (plan: Plan, report: PlanReport) {
        let memo = ParameterMemo()
        let dense = lowered.denseShapes
        var scored: [(candidate: Candidate, score: Double)] = []
        var skipped: [Candidate] = []
        var failures: [(order: Int, shape: String, reason: String)] = []
        var best = Double.infinity
        /// Scores a candidate (or records why it fails).
        func evaluate(_ candidate: Candidate) -> String? {
            let shape = "\(candidate.options.t1)x\(candidate.options.t2)"
            do {
                let report = try estimatedReport(lowered, options: candidate.options, memo: memo)
                if let maxMemoryBytes, report.estimatedMemoryBytes > maxMemoryBytes {
                    let reason = "estimated memory above \(maxMemoryBytes >> 20) MiB"
                    failures.append((candidate.order, shape, reason))
                    return reason
                }
                let value = score(report)
                scored.append((candidate, value))
                best = min(best, value)
                return nil
            } catch {
                let reason = error.userMessage(limit: 200)
                failures.append((candidate.order, shape, reason))
                return reason
            }
        }
        // Duplicates are skipped as in ``selectByCompiling(_:)`` (they are
        // keyed by shape, whose forms are still visited in order).
        var compiled: Set<String> = []
        var failed: [String: String] = [:]
        let visit = shapes.indices.sorted { a, b in
            let (x, y) = (shapes[a].t1 * shapes[a].t2, shapes[b].t1 * shapes[b].t2)
            return x != y ? x > y : a < b
        }
        for shapeIndex in visit {
            let (t1, t2) = shapes[shapeIndex]
            for (formIndex, first) in forms.enumerated() {
                let order = shapeIndex * forms.count + formIndex
                let key = duplicateKey(dense, t1: t1, t2: t2, first: first)
                if let key {
                    if compiled.contains(key) { continue }
                    if let reason = failed[key] { failures.append((order, "\(t1)x\(t2)", reason)); continue }
                }
                var options = options
                (options.t1, options.t2, options.firstForm) = (t1, t2, first)
                if let bound = lowerBound(lowered, options), bound > best * (1 + 1e-9) {
                    skipped.append((order, options))
                    continue
                }
                if let reason = evaluate((order, options)) {
                    if let key { failed[key] = reason }
                } else if let key {
                    compiled.insert(key)
                }
            }
        }
        var ranked = scored.sorted { ($0.score, $0.candidate.order) < ($1.score, $1.candidate.order) }
        while !ranked.isEmpty {
            let candidate = ranked.removeFirst().candidate
            let shape = "\(candidate.options.t1)x\(candidate.options.t2)"
            do {
                let plan = try compile(lowered, candidate.options)
                let report = PlanReport(plan, costModel: costModel)
                guard let maxMemoryBytes, report.estimatedMemoryBytes > maxMemoryBytes else { return (plan, report) }
                failures.append((candidate.order, shape, "estimated memory above \(maxMemoryBytes >> 20) MiB"))
            } catch {
                failures.append((candidate.order, shape, error.userMessage(limit: 200)))
            }
            // The bound was against the winner: score the skipped ones now.
            if !skipped.isEmpty {
                let count = scored.count
                for candidate in skipped { _ = evaluate(candidate) }
                skipped = []
                ranked = (ranked + scored[count...]).sorted { ($0.score, $0.candidate.order) < ($1.score, $1.candidate.order) }
            }
        }
        throw Self.noCandidate(failures.sorted { $0.order < $1.order }.map { ($0.shape, $0.reason) })
    }

    /// A lower bound on a candidate's score without building it, or `nil`:
    /// its first layer's ct×pt multiplies (one per stored weight tile, all
    /// inputs being ciphertexts) and its input ciphertexts' encryption, at
    /// the smallest ring the tile allows and one limb. Every other term of
    /// ``score(_:)`` is non-negative and costs grow with the ring and the
    /// limbs; a latency batch is at least one ciphertext, and time per
    /// sample does not depend on the ring (work and samples both scale with N).
    func lowerBound(_ lowered: PlanCompiler.Lowered, _ options: PlanCompiler.Options) -> Double? {
        guard !options.packed, batch >= 1, options.precision == nil,
              let form = PlanCompiler.chooseForms(lowered.denseShapes, t1: options.t1, t2: options.t2,
                                                  firstForm: options.firstForm, diagonal: options.diagonal).first,
              let first = lowered.denseShapes.first,
              let stored = PlanCompiler.firstLayerStoredTiles(lowered, form: form, t1: options.t1, t2: options.t2) else { return nil }
        let (area, overflow) = options.t1.multipliedReportingOverflow(by: options.t2)
        let (tileSlots, slotsOverflow) = area.multipliedReportingOverflow(by: max(options.minimumBatch ?? 1, 1))
        guard !overflow, !slotsOverflow, tileSlots <= 1 << 15 else { return nil }
        var logN = options.logN ?? 10
        if options.logN == nil { while 1 << (logN - 1) < tileSlots { logN += 1 } }
        let slots = 1 << (logN - 1)
        guard slots >= area else { return nil }
        let inputs = form == .typeA ? (first.inFeatures + options.t2 - 1) / options.t2 : (first.inFeatures + options.t1 - 1) / options.t1
        let perCiphertext = (Double(stored) * costModel.plainMultiply + Double(inputs) * costModel.encryption)
            * costModel.scale(logN: logN, limbs: 1)
        switch objective {
        case .latency: return perCiphertext
        case .throughput: return perCiphertext / Double(slots / area)
        }
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
        return PlanReport(plan, costModel: costModel, insecure: !memo.meetsSecurityStandard(plan.parameters),
                          parameters: try? memo.parameters(plan.parameters.literal), expectedMaxError: .nan)
    }
}
