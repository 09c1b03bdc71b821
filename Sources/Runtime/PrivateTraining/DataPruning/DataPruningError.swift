internal import HepexcSelection

/// Everything that can go wrong in encrypted data pruning (HEFS, client-aided
/// masking, ciphertext-wise pruning), one line each, with typed payloads.
public enum DataPruningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kept fraction p is not in (0, 1] (NaN included).
    case invalidKeptFraction(Double)
    /// The window w is not in [0, 1) (NaN included).
    case invalidWindow(Double)
    /// The window skips so many samples that fewer than k are left.
    case windowTooLarge(window: Double, skipped: Int, kept: Int, samples: Int)
    /// There are no samples to score or select from.
    case noSamples
    /// A NaN score (sample id).
    case invalidScore(sample: Int, value: Double)
    /// A decrypted score outside the range the scoring method can produce:
    /// the sign polynomial's input left [−1, 1] (or the ciphertext is corrupt).
    case scoreOutOfRange(sample: Int, score: Double, range: ClosedRange<Double>)
    /// A decrypted logit (`hefs-client`) beyond what level 0 can hold: the
    /// encrypted model diverged or a value wrapped around the modulus.
    case logitOutOfRange(sample: Int, logit: Double, bound: Double)
    /// The declared bound on |P − Y| is not in [1, `CompositeSign.maximumInputBound`].
    case invalidInputBound(Double)
    /// Blocks, masks or sample ids of inconsistent shapes.
    case shapeMismatch(String)
    /// The keep-mask names a sample id the encrypted set does not hold.
    case unknownSample(Int)
    /// The engine underneath failed.
    case training(PrivateTrainingError)
    /// A schedule option out of range (`--select-every`).
    case invalidOption(String)

    public var description: String {
        switch self {
        case .invalidKeptFraction(let p):
            return "the kept fraction must be in (0, 1], got \(p)"
        case .invalidWindow(let w):
            return "the window must be in [0, 1), got \(w)"
        case .windowTooLarge(let window, let skipped, let kept, let samples):
            return "window \(window) skips \(skipped) of \(samples) samples, leaving fewer than the \(kept) to keep"
        case .invalidOption(let message): return message
        case .noSamples:
            return "there are no samples to score or select from"
        case .invalidScore(let sample, let value):
            return "score of sample \(sample) is \(value)"
        case .scoreOutOfRange(let sample, let score, let range):
            return "score \(score) of sample \(sample) is outside \(range.lowerBound)…\(range.upperBound): the HEFS polynomial's input left [−1, 1]"
        case .logitOutOfRange(let sample, let logit, let bound):
            return "logit \(logit) of sample \(sample) is beyond ±\(bound): the encrypted model diverged or a value wrapped around the modulus"
        case .invalidInputBound(let bound):
            return "the bound on |P − Y| must be in [1, \(CompositeSign.maximumInputBound)], got \(bound)"
        case .shapeMismatch(let message):
            return "shape mismatch: \(message)"
        case .unknownSample(let id):
            return "the keep-mask names sample \(id), which the encrypted set does not hold"
        case .training(let error):
            return error.description
        }
    }
}

extension DataPruningError {
    /// The selection's errors in this module's terms.
    init(_ error: SelectionError) {
        switch error {
        case .invalidKeptFraction(let p): self = .invalidKeptFraction(p)
        case .invalidWindow(let w): self = .invalidWindow(w)
        case .noSamples: self = .noSamples
        case let .windowTooLarge(window, skipped, kept, samples):
            self = .windowTooLarge(window: window, skipped: skipped, kept: kept, samples: samples)
        case let .invalidScore(sample, value): self = .invalidScore(sample: sample, value: value)
        case let .countMismatch(scores, samples): self = .shapeMismatch("\(scores) scores for \(samples) sample ids")
        }
    }

    /// Runs the shared selection, mapping its errors.
    static func selecting<T>(_ body: () throws(SelectionError) -> T) throws(DataPruningError) -> T {
        do { return try body() } catch { throw DataPruningError(error) }
    }

    /// Runs engine code, wrapping its errors as `.training`.
    static func lifting<T>(_ body: () throws(PrivateTrainingError) -> T) throws(DataPruningError) -> T {
        do { return try body() } catch { throw .training(error) }
    }
}
