public import HepexcIR

/// Every error the training engine reports. Each prints as one line that
/// names what is wrong and, where there is one, what to do about it.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The graph cannot be trained as it is (unsupported operation, several
    /// inputs, elided weights without `--from-scratch`, …).
    case unsupportedGraph(String)
    /// The data set's examples do not fit the model's input.
    case shapeMismatch(expected: String, found: [Int])
    /// A class label is not a valid index into the model's output.
    case labelOutOfRange(index: Int, label: Int, classes: Int)
    /// The task needs labels (or targets) the data set does not have, or the
    /// output cannot be compared with them.
    case dataMismatch(String)
    /// There is nothing to train on.
    case emptyData(String)
    /// The loss became NaN or infinite.
    case nonFiniteLoss(epoch: Int, batch: Int, learningRate: Double)
    /// A mask is malformed (wrong shape, values other than 0 and 1, missing).
    case invalidMask(weight: String, reason: String)
    /// An option value is out of range.
    case invalidOption(String)
    /// A sample's score cannot be ranked (NaN), so no keep-mask can be chosen.
    case invalidScore(index: Int, value: Double)
    /// A data-pruning window skips so many top-ranked samples that fewer than
    /// the `kept` samples to keep remain.
    case windowTooLarge(window: Double, skipped: Int, kept: Int, samples: Int)
    /// The composite sign polynomial of the HEFS score was asked for a value
    /// outside the interval where it approximates sign(x).
    case polynomialInputOutOfRange(value: Double, range: ClosedRange<Double>)
    /// An IR error while preparing or exporting the graph.
    case ir(IRError)

    /// One line naming the problem and, where there is one, the fix.
    public var description: String {
        switch self {
        case .unsupportedGraph(let message): return "cannot train this model: \(message)"
        case let .shapeMismatch(expected, found):
            return "data shape mismatch: the model expects examples of shape \(expected), the data has \(found)"
        case let .labelOutOfRange(index, label, classes):
            return "label \(label) at index \(index) is out of range: the model has \(classes) outputs (classes 0…\(classes - 1))"
        case .dataMismatch(let message): return message
        case .emptyData(let message): return "empty data: \(message)"
        case let .nonFiniteLoss(epoch, batch, rate):
            let lower = ElementType.f64.format(rate / 10)
            return "the loss became NaN/infinite in epoch \(epoch) (batch \(batch)); training diverged — try a lower learning rate (e.g. --lr \(lower))"
        case let .invalidMask(weight, reason): return "mask of @\(Identifier.printable(weight)): \(reason)"
        case .invalidOption(let message): return message
        case let .invalidScore(index, value):
            return "the score of sample \(index) is \(value); NaN scores cannot be ranked (did the model diverge?)"
        case let .windowTooLarge(window, skipped, kept, samples):
            return "a window of \(window) skips the top \(skipped) of \(samples) samples, leaving \(samples - skipped), fewer than the \(kept) to keep; lower --window or --keep"
        case let .polynomialInputOutOfRange(value, range):
            return "the HEFS sign polynomial is only valid on [\(range.lowerBound), \(range.upperBound)], got \(value) (it diverges outside); clamp or scale the input, or use --score hefs-fast"
        case .ir(let error): return error.description
        }
    }
}
