/// Client-aided mask selection — HEPrune's CAM step: from one importance
/// score per sample, choose which samples the next epochs train on.
///
/// The samples are ranked by score, highest first, ties broken by the lower
/// sample index (a strict total order, so the result never depends on the
/// input order or on pivot choices). The top `skippedCount(of: n)` are
/// skipped (the *window*, which drops likely outliers or label noise), and the
/// next exactly `keptCount(of: n)` are kept:
///
/// - kept count k = ⌈p·n⌉ (HEPrune's `cam.cpp`), computed so that a product
///   that is an integer up to floating-point noise is not rounded up
///   (0.7 · 10 = 7.000000000000001 keeps 7, not 8);
/// - skipped count = round(w·n) with ties to even, which is Python 3's
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
public struct KeepMaskSelector: Sendable, Equatable {
    /// The kept fraction p ∈ (0, 1].
    public let keptFraction: Double
    /// The skipped top fraction w ∈ [0, 1).
    public let window: Double

    /// - Parameters:
    ///   - keptFraction: p ∈ (0, 1], the fraction of samples kept.
    ///   - window: w ∈ [0, 1), the fraction of top-scored samples skipped.
    /// - Throws: ``TrainingError/invalidOption(_:)`` for p or w out of range
    ///   (NaN included).
    public init(keptFraction: Double, window: Double = 0) throws(TrainingError) {
        guard keptFraction > 0, keptFraction <= 1 else {
            throw .invalidOption("the kept fraction (--keep) must be in (0, 1], got \(keptFraction)")
        }
        guard window >= 0, window < 1 else {
            throw .invalidOption("the window (--window) must be in [0, 1), got \(window)")
        }
        self.keptFraction = keptFraction
        self.window = window
    }

    /// k = ⌈p·n⌉ (at least 1 when n ≥ 1, at most n).
    public func keptCount(of samples: Int) -> Int {
        guard samples > 0 else { return 0 }
        let exact = keptFraction * Double(samples)
        let nearest = exact.rounded()
        let count = abs(exact - nearest) <= 1e-9 * Swift.max(1, exact) ? nearest : exact.rounded(.up)
        return Swift.min(samples, Swift.max(1, Int(count)))
    }

    /// round(w·n), ties to even (Python's `round`).
    public func skippedCount(of samples: Int) -> Int {
        guard samples > 0 else { return 0 }
        return Swift.min(samples, Int((window * Double(samples)).rounded(.toNearestOrEven)))
    }

    /// The positions in the descending ranking that are kept.
    /// - Throws: ``TrainingError/emptyData(_:)`` for no samples,
    ///   ``TrainingError/windowTooLarge(window:skipped:kept:samples:)`` when
    ///   the window leaves fewer than k samples.
    public func keptRanks(of samples: Int) throws(TrainingError) -> Range<Int> {
        guard samples > 0 else { throw .emptyData("there are no samples to select from") }
        let skipped = skippedCount(of: samples), kept = keptCount(of: samples)
        guard skipped + kept <= samples else {
            throw .windowTooLarge(window: window, skipped: skipped, kept: kept, samples: samples)
        }
        return skipped..<(skipped + kept)
    }

    /// The keep-mask: `true` for exactly k samples.
    /// - Parameter scores: one score per sample (higher = more informative).
    /// - Throws: ``TrainingError/invalidScore(index:value:)`` for a NaN
    ///   score, and the errors of ``keptRanks(of:)``.
    public func mask(scores: [Double]) throws(TrainingError) -> [Bool] {
        let ranks = try keptRanks(of: scores.count)
        var entries: [RankedScore] = []
        entries.reserveCapacity(scores.count)
        for (index, score) in scores.enumerated() {
            guard !score.isNaN else { throw .invalidScore(index: index, value: score) }
            entries.append(RankedScore(score: score, index: index))
        }
        // Positions before `lowerBound` now precede all later ones …
        if ranks.lowerBound > 0 { Self.select(&entries, nth: ranks.lowerBound, in: 0..<entries.count) }
        // … and positions lowerBound..<upperBound precede everything after.
        if ranks.upperBound < entries.count {
            Self.select(&entries, nth: ranks.upperBound - 1, in: ranks.lowerBound..<entries.count)
        }
        var mask = [Bool](repeating: false, count: scores.count)
        for entry in entries[ranks] { mask[entry.index] = true }
        return mask
    }

    /// The kept sample indices, ascending.
    /// - Throws: as ``mask(scores:)``.
    public func keptIndices(scores: [Double]) throws(TrainingError) -> [Int] {
        Self.indices(of: try mask(scores: scores))
    }

    /// The indices where `mask` is `true`, ascending.
    public static func indices(of mask: [Bool]) -> [Int] {
        mask.indices.filter { mask[$0] }
    }
}
