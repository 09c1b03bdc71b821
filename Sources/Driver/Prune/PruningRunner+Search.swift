public import HepexcData
public import HepexcIR

extension PruningRunner {
    /// Searches the pruning ratio for the highest tile sparsity whose
    /// validation metric stays within `maxDrop` of the unpruned model's:
    /// accuracy percentage points, or (MSE) percent relative increase.
    ///
    /// Bisection over [0, 1]: the first probe is `options.ratio`; a probe
    /// within budget raises the lower bound, one over it lowers the upper
    /// bound. Every probe runs the whole scheme with retraining.
    /// - Parameters:
    ///   - maxDrop: the budget, ≥ 0.
    ///   - probes: ratios tried (≥ 1).
    /// - Returns: the best probe within budget (the highest tile sparsity,
    ///   then the best metric), or the probe with the smallest drop when none
    ///   is; its report carries every probe in `search`.
    /// - Throws: ``DriverError``.
    public static func search(_ graph: Graph, training: Dataset, validation: Dataset, options: Options, maxDrop: Double,
                              probes: Int = 5,
                              progress: (String) -> Void = { _ in }) throws(DriverError) -> (graph: Graph, report: PruningReport) {
        let metricName = validation.labels != nil ? "accuracy" : "mse"
        let baseline = try metric(graph, on: validation, threads: options.threads)
        var lower = 0.0, upper = 1.0
        var ratio = min(max(options.ratio, 0), 1)
        var tried: [PruningReport.Probe] = []
        var best: (graph: Graph, report: PruningReport, accepted: Bool)?
        for _ in 0..<max(probes, 1) {
            var probeOptions = options
            probeOptions.ratio = ratio
            let result = try run(graph, training: training, validation: validation, options: probeOptions,
                                 baseline: baseline, progress: { _ in })
            let drop = PruningReport.drop(from: baseline, to: result.report.final, metric: metricName)
            // A probe that empties a layer is never within budget, whatever its metric.
            let accepted = drop <= maxDrop && result.report.emptiedLayers.isEmpty
            tried.append(PruningReport.Probe(ratio: ratio, metric: result.report.final,
                                             tileSparsity: result.report.tileSparsity, accepted: accepted))
            progress("ratio \(ratio): \(metricName) \(result.report.final), tile sparsity \(result.report.tileSparsity)"
                     + (result.report.emptiedLayers.isEmpty ? "" : " (every tile of \(result.report.emptiedLayers.joined(separator: ", ")) removed)")
                     + (accepted ? "" : " (over budget)"))
            if better(result.report, accepted: accepted, than: best.map { ($0.report, $0.accepted) }, metric: metricName) {
                best = (result.graph, result.report, accepted)
            }
            if accepted { lower = ratio } else { upper = ratio }
            ratio = ((lower + upper) / 2 * 10_000).rounded() / 10_000
        }
        guard var chosen = best else { throw .execution("the ratio search ran no probe") }
        guard chosen.report.emptiedLayers.isEmpty else {
            throw .execution("every ratio tried removed every tile of " + chosen.report.emptiedLayers.map { "%" + $0 }.joined(separator: ", ")
                             + "; no plan written: start the search lower with --prune-ratio")
        }
        chosen.report.search = tried
        chosen.report.maxDrop = maxDrop
        return (chosen.graph, chosen.report)
    }

    /// Whether a probe beats the best so far: within budget beats over it;
    /// among accepted, higher tile sparsity then a better metric; among
    /// rejected, the smaller drop.
    static func better(_ report: PruningReport, accepted: Bool, than best: (report: PruningReport, accepted: Bool)?,
                       metric: String) -> Bool {
        guard let best else { return true }
        if accepted != best.accepted { return accepted }
        let drop = PruningReport.drop(from: report.baseline, to: report.final, metric: metric)
        let bestDrop = PruningReport.drop(from: best.report.baseline, to: best.report.final, metric: metric)
        if accepted, report.tileSparsity != best.report.tileSparsity { return report.tileSparsity > best.report.tileSparsity }
        return drop < bestDrop
    }
}
