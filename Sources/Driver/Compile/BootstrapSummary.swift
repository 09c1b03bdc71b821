public import HepexcPlan
internal import HepexcPasses

/// The compile report's bootstrap line: the plan's bootstrap steps and the
/// placement pass's estimate for the same layers (they must agree).
public struct BootstrapSummary: Sendable, Codable, Equatable {
    /// Bootstrap steps in the plan.
    public var steps: Int
    /// The placement pass's number of bootstrap steps for these layers.
    public var estimate: Int
    /// Ciphertexts bootstrapped per batch ciphertext.
    public var ciphertexts: Int
    /// Levels left after each bootstrap (and for the inputs).
    public var levelsAfter: Int
    /// Levels one bootstrap consumes.
    public var depth: Int
    /// The layers each bootstrap follows.
    public var after: [String]

    enum CodingKeys: String, CodingKey {
        case steps, estimate, ciphertexts, depth, after
        case levelsAfter = "levels_after"
    }

    /// `nil` for a plan without bootstrap steps.
    init?(_ plan: Plan) {
        guard plan.bootstraps else { return nil }
        let costs = plan.layerCosts()
        steps = plan.bootstrapSteps.count
        estimate = PlanCompiler.bootstrapEstimate(plan)?.count ?? 0
        ciphertexts = costs.filter { $0.kind == "bootstrap" }.reduce(0) { $0 + $1.ops.bootstraps }
        levelsAfter = plan.levelAfterBootstrap
        depth = plan.bootstrapDepth
        after = plan.layers.indices.compactMap { index in
            guard index > 0, case .bootstrap = plan.layers[index] else { return nil }
            return plan.layers[index - 1].name
        }
    }

    var text: String {
        "bootstraps: \(steps) step\(steps == 1 ? "" : "s") (placement estimate \(estimate)), \(ciphertexts) ciphertext"
            + "\(ciphertexts == 1 ? "" : "s") per batch, after " + after.map { "%" + $0 }.joined(separator: ", ")
            + "; \(levelsAfter) levels between bootstraps, \(depth) per bootstrap"
    }
}
