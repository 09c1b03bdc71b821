public import HepexcPlan

/// The HE-PEx pruning schemes (docs/hepex.md, "Schemes"): which passes run,
/// in which order, before the network is retrained with its masks fixed.
///
/// | scheme | pipeline |
/// |---|---|
/// | P2 | prune |
/// | P2T | prune-tiles |
/// | P3 | prune, permute |
/// | P3E | prune, permute, expand |
/// | P4 | prune, permute, prune-pack |
/// | P4E | prune, permute, prune-pack, expand |
public enum PruningScheme: String, Sendable, Codable, CaseIterable {
    case p2, p2t, p3, p3e, p4, p4e

    /// One step of a scheme before retraining: a pass and its pipeline text.
    public struct Step: Sendable, Equatable {
        /// The pass name (`prune`, `prune-tiles`, `permute`, `prune-pack`, `expand`).
        public var name: String
        /// The pass in pipeline form, e.g. `permute{tile=16x16}`.
        public var pipeline: String
    }

    /// The display name, e.g. `P4E`.
    public var displayName: String { rawValue.uppercased() }

    /// Whether the scheme permutes neurons (P3 and later).
    public var permutes: Bool { ![.p2, .p2t].contains(self) }

    /// The pass steps of the scheme for a pruning ratio and tile shape, in
    /// order; retraining follows them.
    /// - Parameters:
    ///   - ratio: the fraction of weights (P2T: of tiles) pruned, in [0, 1].
    ///   - t1: tile rows.
    ///   - t2: tile columns.
    ///   - firstForm: the first dense layer's form, `nil` for the compiler's choice.
    ///   - packThreshold: `prune-pack` prunes tiles with fewer non-zeros than this fraction.
    ///   - schedule: per-layer ratios for the first pruning step
    ///     (`prune`/`prune-tiles` `schedule`, local scope), e.g. `logits:0.5`.
    ///   - globalScope: rank the weights (P2T: tiles) of all layers
    ///     together instead of pruning every layer by `ratio`.
    ///   - packAware: P4/P4E: `permute` also gathers non-zeros into tiles
    ///     that survive `packThreshold` (its `pack-threshold` option).
    ///   - diagonal: whether the compiler may use Type-D layers (`--no-diagonal`
    ///     makes it false); it decides every layer's orientation, so the passes
    ///     must know it to prune the blocks the compiler packs.
    public func steps(ratio: Double, t1: Int, t2: Int, firstForm: FCForm? = nil, diagonal: Bool = true,
                      packThreshold: Double = 0.0625, schedule: String? = nil, globalScope: Bool = false,
                      packAware: Bool = true) -> [Step] {
        let form = firstForm.map { ",first-form=\($0.rawValue)" } ?? ""
        let tile = "tile=\(t1)x\(t2)\(form)" + (diagonal ? "" : ",diagonal=false")
        let scope = (globalScope ? ",scope=global" : "") + (schedule.map { ",schedule=\($0)" } ?? "")
        let prune = Step(name: "prune", pipeline: "prune{ratio=\(ratio)\(scope)}")
        let packs = self == .p4 || self == .p4e
        let permute = Step(name: "permute",
                           pipeline: "permute{\(tile)" + (packs && packAware ? ",pack-threshold=\(packThreshold)}" : "}"))
        let pack = Step(name: "prune-pack", pipeline: "prune-pack{threshold=\(packThreshold),\(tile)}")
        let expand = Step(name: "expand", pipeline: "expand{\(tile)}")
        switch self {
        case .p2: return [prune]
        case .p2t: return [Step(name: "prune-tiles", pipeline: "prune-tiles{ratio=\(ratio)\(scope),\(tile)}")]
        case .p3: return [prune, permute]
        case .p3e: return [prune, permute, expand]
        case .p4: return [prune, permute, pack]
        case .p4e: return [prune, permute, pack, expand]
        }
    }
}
