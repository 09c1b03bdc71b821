/// Everything that can go wrong in the private-training engine, one line each,
/// with the offending values as typed payloads.
public enum PrivateTrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The unit shape cannot hold the classes (needs slots ≥ 2·c_pad²).
    case classesDoNotFit(paddedClasses: Int, slots: Int)
    /// A problem with no samples, no features or fewer than two classes.
    case emptyProblem(samples: Int, features: Int, classes: Int)
    /// Features and labels of different lengths.
    case lengthMismatch(features: Int, labels: Int)
    /// A feature row whose width differs from the first row's.
    case raggedFeatures(sample: Int, width: Int, expected: Int)
    /// A label outside `0..<classCount`.
    case labelOutOfRange(index: Int, label: Int, classCount: Int)
    /// A NaN or infinite feature.
    case nonFiniteFeature(sample: Int, feature: Int)
    /// A sample whose feature norm is larger than the softmax domain allows.
    case featureNormTooLarge(sample: Int, norm: Double, limit: Double)
    /// A hyperparameter outside its range.
    case invalidHyperparameter(name: String, value: Double)
    /// No 128-bit-secure CKKS parameter set fits the layout.
    case noSecureParameters(logN: Int, reason: String)
    /// A ciphertext ran out of levels and refreshing is disabled.
    case outOfLevels(operation: String)
    /// The homomorphic backend failed.
    case backend(String)
    /// `RefreshMode.bootstrap` on parameters (or keys) that cannot bootstrap.
    case bootstrapNotPossible(String)
    /// A value a bootstrap refresh would see, or the decrypted head, is past
    /// the bound its refreshes are scaled by.
    case bootstrapBoundExceeded(operation: String, value: Double, bound: Double)

    public var description: String {
        switch self {
        case .classesDoNotFit(let c, let slots):
            return "\(c) padded classes need at least \(2 * c * c) slots, the ring has \(slots)"
        case .emptyProblem(let n, let d, let c):
            return "training needs samples, features and at least two classes (got \(n) samples, \(d) features, \(c) classes)"
        case .lengthMismatch(let features, let labels):
            return "features have \(features) rows but labels have \(labels)"
        case .raggedFeatures(let sample, let width, let expected):
            return "sample \(sample) has \(width) features, the first sample has \(expected)"
        case .labelOutOfRange(let index, let label, let classCount):
            return "label \(label) of sample \(index) is outside 0..<\(classCount)"
        case .nonFiniteFeature(let sample, let feature):
            return "feature \(feature) of sample \(sample) is NaN or infinite"
        case .featureNormTooLarge(let sample, let norm, let limit):
            return "sample \(sample) has feature norm \(norm), above \(limit): the softmax domain cannot hold its logits (normalise the features)"
        case .invalidHyperparameter(let name, let value):
            return "hyperparameter \(name) = \(value) is out of range"
        case .noSecureParameters(let logN, let reason):
            return "no 128-bit-secure CKKS parameters at N = 2^\(logN): \(reason)"
        case .outOfLevels(let operation):
            return "\(operation) needs a level but the ciphertext has none left and refreshing is off"
        case .backend(let message):
            return "homomorphic backend: \(message)"
        case .bootstrapNotPossible(let reason):
            return "--refresh bootstrap: these parameters cannot bootstrap: \(reason)"
        case .bootstrapBoundExceeded(let operation, let value, let bound):
            return "\(operation): a value of magnitude \(value) is past the bootstrap bound \(bound) "
                + "(bootstrapping it would decrypt to garbage; lower the learning rate or the softmax domain)"
        }
    }
}
