public import HepexcPlan

extension PlanCompiler {
    /// Scale bits `compile --precision` tries, cheapest first.
    static let precisionScaleBits = [35, 40, 45, 50]

    /// The cheapest plan whose ``Plan/expectedMaxError`` is at most
    /// `target`: scales of 2^35, 2^40, 2^45 and 2^50 in turn (or only
    /// `scaleBits` when given), each in the smallest ring that holds it at
    /// 128-bit security (unless insecure).
    /// - Throws: `PassError.lowering` when no scale meets the target, naming
    ///   the most precise plan that compiles and its expected error.
    public func compileForPrecision(_ lowered: Lowered, target: Double) throws(PassError) -> Plan {
        guard target.isFinite, target > 0 else {
            throw .lowering(reason: "precision \(target): expected a positive error bound such as 1e-7")
        }
        var best: Plan?
        var lastError: PassError?
        for bits in Self.precisionScaleBits where options.scaleBits.map({ $0 == bits }) ?? true {
            var options = self.options
            options.scaleBits = bits
            options.precision = nil
            let plan: Plan
            do { plan = try PlanCompiler(options: options).compileWithTiers(lowered) } catch {
                lastError = error
                continue
            }
            if plan.expectedMaxError <= target { return plan }
            if best.map({ plan.expectedMaxError < $0.expectedMaxError }) ?? true { best = plan }
        }
        guard let best else {
            throw lastError ?? .lowering(reason: "precision \(target): no scale compiles")
        }
        let p = best.parameters
        throw .lowering(reason: String(format: "precision %g is out of reach%@: the most precise plan (scale 2^%d, N = 2^%d, log QP = %d) "
                                       + "expects errors up to %.2g; ask for less, or tighten the value bounds with --calibration",
                                       target, p.insecure ? "" : " at 128-bit security", p.logScale, p.logN,
                                       p.logQ.reduce(0, +) + p.logP.reduce(0, +), best.expectedMaxError)
                             + (lastError.map { " (larger scales: \($0))" } ?? ""))
    }
}
