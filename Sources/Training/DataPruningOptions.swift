/// Dynamic data pruning (HEPrune's schedule, plaintext): train on a random
/// kept subset in the first epoch, then every `selectEvery` epochs score all
/// training samples with the current model and train only on the kept ones
/// until the next selection. The total number of epochs is unchanged.
///
/// Set ``TrainingOptions/dataPruning`` to use it; `nil` trains on all data.
/// Built only through the validating initialiser, so a value is always valid.
public struct DataPruningOptions: Sendable, Equatable {
    /// Ranks the scores and picks the kept samples (kept fraction and window).
    public let selector: KeepMaskSelector
    /// Epochs between selections (≥ 1): selections happen before epochs
    /// 1, 1 + selectEvery, 1 + 2·selectEvery, …
    public let selectEvery: Int
    /// The importance score used from the second selection on.
    public let score: DataScore

    /// The kept fraction p ∈ (0, 1].
    public var keptFraction: Double { selector.keptFraction }
    /// The skipped top fraction w ∈ [0, 1).
    public var window: Double { selector.window }

    /// - Parameters:
    ///   - keep: the kept fraction p ∈ (0, 1] (`--keep`).
    ///   - selectEvery: epochs between selections, ≥ 1 (`--select-every`).
    ///   - score: the importance score (`--score`).
    ///   - window: the skipped top fraction w ∈ [0, 1) (`--window`).
    /// - Throws: ``TrainingError/invalidOption(_:)`` for a value out of range.
    ///   (A window that leaves fewer than ⌈p·n⌉ samples is reported as
    ///   ``TrainingError/windowTooLarge(window:skipped:kept:samples:)`` when
    ///   training starts, since it depends on n.)
    public init(keep: Double, selectEvery: Int = 3, score: DataScore = .hefs, window: Double = 0) throws(TrainingError) {
        guard selectEvery >= 1 else {
            throw .invalidOption("the selection interval (--select-every) must be at least 1 epoch, got \(selectEvery)")
        }
        self.selector = try KeepMaskSelector(keptFraction: keep, window: window)
        self.selectEvery = selectEvery
        self.score = score
    }

    /// The same, with the score given by name (`l1`, `hefs`, `hefs-fast`, `random`).
    /// - Throws: ``TrainingError/invalidOption(_:)`` for an unknown score or a
    ///   value out of range.
    public init(keep: Double, selectEvery: Int = 3, score: String, window: Double = 0) throws(TrainingError) {
        try self.init(keep: keep, selectEvery: selectEvery, score: try DataScore(parsing: score), window: window)
    }

    /// Whether a new subset is chosen before `epoch` (1-based).
    public func selects(before epoch: Int) -> Bool {
        epoch >= 1 && (epoch - 1) % selectEvery == 0
    }
}
