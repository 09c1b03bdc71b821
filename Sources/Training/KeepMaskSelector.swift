public import HepexcSelection

/// Client-aided mask selection for plaintext data pruning — HEPrune's CAM
/// step: the shared `TopKSelection` (rank by score, highest first, ties to
/// the lower sample index; skip the window round(w·n); keep exactly
/// k = ⌈p·n⌉ by introselect) with this module's errors and option names.
public struct KeepMaskSelector: Sendable, Equatable {
    public let rule: TopKSelection
    /// The kept fraction p ∈ (0, 1].
    public var keptFraction: Double { rule.keptFraction }
    /// The skipped top fraction w ∈ [0, 1).
    public var window: Double { rule.window }

    /// - Throws: ``TrainingError/invalidOption(_:)`` for p or w out of range
    ///   (NaN included).
    public init(keptFraction: Double, window: Double = 0) throws(TrainingError) {
        rule = try Self.lifting { () throws(SelectionError) in try TopKSelection(keptFraction: keptFraction, window: window) }
    }

    /// k = ⌈p·n⌉ (at least 1 when n ≥ 1, at most n).
    public func keptCount(of samples: Int) -> Int { rule.keptCount(of: samples) }

    /// round(w·n), ties to even (Python's `round`).
    public func skippedCount(of samples: Int) -> Int { rule.skippedCount(of: samples) }

    /// The positions in the descending ranking that are kept.
    /// - Throws: ``TrainingError/emptyData(_:)`` for no samples,
    ///   ``TrainingError/windowTooLarge(window:skipped:kept:samples:)`` when
    ///   the window leaves fewer than k samples.
    public func keptRanks(of samples: Int) throws(TrainingError) -> Range<Int> {
        try Self.lifting { () throws(SelectionError) in try rule.keptRanks(of: samples) }
    }

    /// The keep-mask: `true` for exactly k samples.
    /// - Parameter scores: one score per sample (higher = more informative).
    /// - Throws: ``TrainingError/invalidScore(index:value:)`` for a NaN
    ///   score, and the errors of ``keptRanks(of:)``.
    public func mask(scores: [Double]) throws(TrainingError) -> [Bool] {
        try Self.lifting { () throws(SelectionError) in try rule.mask(scores: scores) }
    }

    /// The kept sample indices, ascending.
    /// - Throws: as ``mask(scores:)``.
    public func keptIndices(scores: [Double]) throws(TrainingError) -> [Int] {
        try Self.lifting { () throws(SelectionError) in try rule.keptSamples(scores: scores, samples: Array(scores.indices)) }
    }

    /// The indices where `mask` is `true`, ascending.
    public static func indices(of mask: [Bool]) -> [Int] {
        mask.indices.filter { mask[$0] }
    }

    /// Runs the shared selection, mapping its errors to `TrainingError`.
    static func lifting<T>(_ body: () throws(SelectionError) -> T) throws(TrainingError) -> T {
        do { return try body() } catch {
            switch error {
            case .invalidKeptFraction(let p): throw .invalidOption("the kept fraction (--keep) must be in (0, 1], got \(p)")
            case .invalidWindow(let w): throw .invalidOption("the window (--window) must be in [0, 1), got \(w)")
            case .noSamples: throw .emptyData("there are no samples to select from")
            case let .windowTooLarge(window, skipped, kept, samples):
                throw .windowTooLarge(window: window, skipped: skipped, kept: kept, samples: samples)
            case let .invalidScore(sample, value): throw .invalidScore(index: sample, value: value)
            case let .countMismatch(scores, samples): throw .dataMismatch("\(scores) scores for \(samples) samples")
            }
        }
    }
}
