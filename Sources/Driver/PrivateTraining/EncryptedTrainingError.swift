/// Errors of `hepexc train-encrypted`, one line each with typed payloads.
/// Nothing is written when one is thrown.
public enum EncryptedTrainingError: Error, Sendable, CustomStringConvertible {
    /// A data file could not be loaded (the loader's own message).
    case data(path: String, message: String)
    /// A data file has inputs but no labels.
    case missingLabels(path: String)
    /// Train and test features have different widths.
    case featureWidthMismatch(train: Int, test: Int)
    /// A test label the trained classes do not include.
    case testLabelOutOfRange(index: Int, label: Int, classCount: Int)
    /// The backbone could not be loaded or run.
    case backbone(path: String, message: String)
    /// `--features NAME` names no value of the backbone.
    case unknownFeatureValue(name: String, backbone: String, known: [String])
    /// The engine refused the data or failed (its one-line message).
    case training(String)
    /// A request option is out of range.
    case invalidOption(name: String, value: String, reason: String)
    /// Exporting the trained model failed.
    case export(path: String, message: String)

    public var description: String {
        switch self {
        case let .data(path, message): return message.contains(path) ? message : "\(path): \(message)"
        case .missingLabels(let path): return "\(path): no labels (expected a `y` or `labels` array)"
        case let .featureWidthMismatch(train, test):
            return "train features have \(train) columns but test features have \(test)"
        case let .testLabelOutOfRange(index, label, classCount):
            return "test label \(label) of sample \(index) is outside the trained classes 0..<\(classCount)"
        case let .backbone(path, message): return "backbone \(path): \(message)"
        case let .unknownFeatureValue(name, backbone, known):
            let shown = known.prefix(8).map { "%" + $0 }.joined(separator: ", ")
            return "backbone \(backbone) has no value %\(name) (values include \(shown)\(known.count > 8 ? ", …" : ""))"
        case .training(let message): return message
        case let .invalidOption(name, value, reason): return "--\(name) \(value): \(reason)"
        case let .export(path, message): return "cannot export \(path): \(message)"
        }
    }
}
