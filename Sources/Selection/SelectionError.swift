/// Everything that can go wrong choosing the kept samples, with typed
/// payloads; `HepexcTraining` and `HepexcPrivateTraining` map these into
/// their own error enums.
public enum SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kept fraction p is not in (0, 1] (NaN included).
    case invalidKeptFraction(Double)
    /// The window w is not in [0, 1) (NaN included).
    case invalidWindow(Double)
    /// There are no samples to select from.
    case noSamples
    /// The window skips so many samples that fewer than k are left.
    case windowTooLarge(window: Double, skipped: Int, kept: Int, samples: Int)
    /// A NaN score (with the sample id it belongs to).
    case invalidScore(sample: Int, value: Double)
    /// Scores and sample ids of different lengths.
    case countMismatch(scores: Int, samples: Int)

    public var description: String {
        switch self {
        case .invalidKeptFraction(let p): return "the kept fraction must be in (0, 1], got \(p)"
        case .invalidWindow(let w): return "the window must be in [0, 1), got \(w)"
        case .noSamples: return "there are no samples to select from"
        case .windowTooLarge(let window, let skipped, let kept, let samples):
            return "window \(window) skips \(skipped) of \(samples) samples, leaving fewer than the \(kept) to keep"
        case .invalidScore(let sample, let value): return "score of sample \(sample) is \(value)"
        case .countMismatch(let scores, let samples): return "\(scores) scores for \(samples) sample ids"
        }
    }
}
