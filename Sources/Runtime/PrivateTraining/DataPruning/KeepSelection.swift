public import HepexcSelection

/// The client's selection in client-aided masking (research note §3): the
/// shared `TopKSelection` (rank by score, skip the window, keep exactly
/// k = ⌈p·n⌉, introselect, ties to the lower sample id) with this module's
/// errors.
public struct KeepSelection: Sendable, Equatable {
    public let rule: TopKSelection
    /// p ∈ (0, 1].
    public var keptFraction: Double { rule.keptFraction }
    /// w ∈ [0, 1).
    public var window: Double { rule.window }

    /// - Throws: `DataPruningError.invalidKeptFraction`, `.invalidWindow`.
    public init(keptFraction: Double, window: Double = 0) throws(DataPruningError) {
        rule = try DataPruningError.selecting { () throws(SelectionError) in try TopKSelection(keptFraction: keptFraction, window: window) }
    }

    /// k = ⌈p·n⌉, between 1 and n for n ≥ 1.
    public func keptCount(of samples: Int) -> Int { rule.keptCount(of: samples) }

    /// round(w·n), ties to even.
    public func skippedCount(of samples: Int) -> Int { rule.skippedCount(of: samples) }

    /// The kept positions of the descending ranking.
    /// - Throws: `DataPruningError.noSamples`, `.windowTooLarge`.
    public func keptRanks(of samples: Int) throws(DataPruningError) -> Range<Int> {
        try DataPruningError.selecting { () throws(SelectionError) in try rule.keptRanks(of: samples) }
    }

    /// The ids of exactly k kept samples, ascending.
    /// - Throws: `DataPruningError.invalidScore` for NaN, `.shapeMismatch`,
    ///   and the errors of `keptRanks(of:)`.
    public func keptSamples(scores: [Double], samples: [Int]) throws(DataPruningError) -> [Int] {
        try DataPruningError.selecting { () throws(SelectionError) in try rule.keptSamples(scores: scores, samples: samples) }
    }

    /// The keep-mask over positions 0..<n (sample id = position).
    public func mask(scores: [Double]) throws(DataPruningError) -> [Bool] {
        try DataPruningError.selecting { () throws(SelectionError) in try rule.mask(scores: scores) }
    }
}
