/// HEPrune's client-aided mask selection (CAM): from one importance score per
/// sample, choose which samples the next epochs train on. One implementation
/// for plaintext pruning (`hepexc train --keep`, `HepexcTraining`) and for the
/// client of encrypted pruning (`hepexc train-encrypted --keep`,
/// `HepexcPrivateTraining`), which sit on different sides of the layering.
///
/// The samples are ranked by score, highest first, ties broken by the lower
/// sample id (a strict total order, so the result never depends on the input
/// order or on pivot choices). The top `skippedCount(of: n)` are skipped (the
/// *window*, which drops likely outliers or label noise), and the next
/// exactly `keptCount(of: n)` are kept:
///
/// - k = ⌈p·n⌉ (HEPrune's `cam.cpp`), computed so that a product that is an
///   integer up to floating-point noise is not rounded up (0.7 · 10 =
///   7.000000000000001 keeps 7, not 8);
/// - skipped = round(w·n) with ties to even, which is Python 3's
///   `round(n_train * window_ratio)` in DeepCore's `ada_el2n_l1.py`.
///
/// The ranking uses a linear-time selection (introselect: quickselect with
/// median-of-three pivots, falling back to sorting the remaining range after
/// 2·log₂n unproductive partitions), never a full sort: O(n) expected,
/// O(n log n) worst case.
///
/// In the encrypted protocol the client runs this on its decrypted scores and
/// sends the mask to the server in the clear, so the server learns one bit per
/// sample per selection round (which samples are kept), nothing about their
/// features, labels or scores.
public struct TopKSelection: Sendable, Equatable {
    /// The kept fraction p ∈ (0, 1].
    public let keptFraction: Double
    /// The skipped top fraction w ∈ [0, 1).
    public let window: Double

    /// - Throws: `SelectionError.invalidKeptFraction`, `.invalidWindow` (NaN included).
    public init(keptFraction: Double, window: Double = 0) throws(SelectionError) {
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

    /// round(w·n), ties to even (Python's `round`).
    public func skippedCount(of samples: Int) -> Int {
        guard samples > 0 else { return 0 }
        return min(samples, Int((window * Double(samples)).rounded(.toNearestOrEven)))
    }

    /// The kept positions of the descending ranking.
    /// - Throws: `SelectionError.noSamples`, `.windowTooLarge`.
    public func keptRanks(of samples: Int) throws(SelectionError) -> Range<Int> {
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
    /// - Throws: `SelectionError.invalidScore` for NaN, `.countMismatch`,
    ///   and the errors of `keptRanks(of:)`.
    public func keptSamples(scores: [Double], samples: [Int]) throws(SelectionError) -> [Int] {
        guard scores.count == samples.count else { throw .countMismatch(scores: scores.count, samples: samples.count) }
        let ranks = try keptRanks(of: scores.count)
        var entries: [RankedScore] = []
        entries.reserveCapacity(scores.count)
        for (score, sample) in zip(scores, samples) {
            guard !score.isNaN else { throw .invalidScore(sample: sample, value: score) }
            entries.append(RankedScore(score: score, sample: sample))
        }
        // Positions before `lowerBound` now precede all later ones …
        if ranks.lowerBound > 0 { Self.select(&entries, nth: ranks.lowerBound, in: 0..<entries.count) }
        // … and positions lowerBound..<upperBound precede everything after.
        if ranks.upperBound < entries.count {
            Self.select(&entries, nth: ranks.upperBound - 1, in: ranks.lowerBound..<entries.count)
        }
        return entries[ranks].map(\.sample).sorted()
    }

    /// The keep-mask over positions 0..<n (sample id = position): `true` for
    /// exactly k samples.
    /// - Throws: as `keptSamples(scores:samples:)`.
    public func mask(scores: [Double]) throws(SelectionError) -> [Bool] {
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
    @inline(__always)
    func precedes(_ other: RankedScore) -> Bool {
        score != other.score ? score > other.score : sample < other.sample
    }
}
