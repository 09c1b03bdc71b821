/// The client's selection in client-aided masking (research note §3): rank
/// the samples by score, highest first, ties broken by the lower sample id
/// (a strict total order, so the result never depends on input order or
/// pivots); skip the top `skippedCount` (the window) and keep exactly the next
/// `keptCount`.
///
/// - k = ⌈p·n⌉ (`cam.cpp`), except that a product that is an integer up to
///   floating-point noise is not rounded up (0.7·10 keeps 7, not 8);
/// - skipped = round(w·n) with ties to even, which is Python 3's
///   `round(n_train * window_ratio)` in DeepCore's `ada_el2n_l1.py`.
///
/// Selection is introselect on doubles (quickselect with median-of-three
/// pivots, falling back to sorting the remaining range after 2·log₂n
/// partitions): O(n) expected, O(n log n) worst case, never a full sort.
///
/// Same semantics as `KeepMaskSelector` in `HepexcTraining` (plaintext
/// pruning), which this target must not import; a candidate for moving both
/// into a shared lower target later.
public struct KeepSelection: Sendable, Equatable {
    /// p ∈ (0, 1].
    public let keptFraction: Double
    /// w ∈ [0, 1).
    public let window: Double

    /// - Throws: `DataPruningError.invalidKeptFraction`, `.invalidWindow`.
    public init(keptFraction: Double, window: Double = 0) throws(DataPruningError) {
        guard keptFraction > 0, keptFraction <= 1 else { throw .invalidKeptFraction(keptFraction) }
        guard window >= 0, window < 1 else { throw .invalidWindow(window) }
        self.keptFraction = keptFraction
        self.window = window
    }

    /// k = ⌈p·n⌉, between 1 and n for n ≥ 1.
    public func keptCount(of samples: Int) -> Int {
        guard samples > 0 else { return 0 }
        let exact = keptFraction * Double(samples), nearest = exact.rounded()
        let count = abs(exact - nearest) <= 1e-9 * max(1, exact) ? nearest : exact.rounded(.up)
        return min(samples, max(1, Int(count)))
    }

    /// round(w·n), ties to even.
    public func skippedCount(of samples: Int) -> Int {
        guard samples > 0 else { return 0 }
        return min(samples, Int((window * Double(samples)).rounded(.toNearestOrEven)))
    }

    /// The kept positions of the descending ranking.
    /// - Throws: `DataPruningError.noSamples`, `.windowTooLarge`.
    public func keptRanks(of samples: Int) throws(DataPruningError) -> Range<Int> {
        guard samples > 0 else { throw .noSamples }
        let skipped = skippedCount(of: samples), kept = keptCount(of: samples)
        guard skipped + kept <= samples else {
            throw .windowTooLarge(window: window, skipped: skipped, kept: kept, samples: samples)
        }
        return skipped..<(skipped + kept)
    }

    /// The ids of exactly k kept samples, ascending.
    ///
    /// - Parameters:
    ///   - scores: one score per sample (higher = more informative).
    ///   - samples: the sample id of each score (ties go to the lower id).
    /// - Throws: `DataPruningError.invalidScore` for NaN, `.shapeMismatch`,
    ///   and the errors of `keptRanks(of:)`.
    public func keptSamples(scores: [Double], samples: [Int]) throws(DataPruningError) -> [Int] {
        guard scores.count == samples.count else {
            throw .shapeMismatch("\(scores.count) scores for \(samples.count) sample ids")
        }
        let ranks = try keptRanks(of: scores.count)
        var entries: [RankedScore] = []
        entries.reserveCapacity(scores.count)
        for (score, sample) in zip(scores, samples) {
            guard !score.isNaN else { throw .invalidScore(sample: sample, value: score) }
            entries.append(RankedScore(score: score, sample: sample))
        }
        if ranks.lowerBound > 0 { Self.select(&entries, nth: ranks.lowerBound, in: 0..<entries.count) }
        if ranks.upperBound < entries.count {
            Self.select(&entries, nth: ranks.upperBound - 1, in: ranks.lowerBound..<entries.count)
        }
        return entries[ranks].map(\.sample).sorted()
    }

    /// The keep-mask over positions 0..<n (sample id = position).
    /// - Throws: as `keptSamples(scores:samples:)`.
    public func mask(scores: [Double]) throws(DataPruningError) -> [Bool] {
        var mask = [Bool](repeating: false, count: scores.count)
        for sample in try keptSamples(scores: scores, samples: Array(scores.indices)) { mask[sample] = true }
        return mask
    }
}

/// A score with its sample id, ordered by the ranking.
struct RankedScore: Sendable {
    let score: Double
    let sample: Int

    /// Strictly before `other` in the ranking: higher score, then lower id.
    func precedes(_ other: RankedScore) -> Bool {
        score != other.score ? score > other.score : sample < other.sample
    }
}
