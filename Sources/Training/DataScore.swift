public import HepexcIR
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How dynamic data pruning scores a sample's importance from the model's
/// class probabilities P (softmax of the logits) and its one-hot label Y.
/// Higher scores are kept first (after the window).
public enum DataScore: String, Sendable, Codable, CaseIterable {
    /// The exact ℓ1 error Σₖ |Pₖ − Yₖ| (DeepCore's `AdaEL2NL1`, which the
    /// paper's accuracy numbers use).
    case l1
    /// HEPrune's HE-friendly score: the ℓ1 error with |d| ≈ d·g(f(d)) by the
    /// composite sign polynomial (``CompositeSignPolynomial/heprune``), as
    /// the server computes it under encryption.
    case hefs
    /// 2 − 2⟨P, Y⟩ = 2(1 − P_label), equal to the exact ℓ1 score for a
    /// probability vector and a one-hot label, at multiplicative depth 1.
    case hefsFast = "hefs-fast"
    /// A uniform random score in [0, 1): random subsets (a baseline).
    case random

    /// Parses a name (`l1`, `hefs`, `hefs-fast`, `random`).
    /// - Throws: ``TrainingError/invalidOption(_:)`` naming the choices.
    public init(parsing name: String) throws(TrainingError) {
        guard let score = DataScore(rawValue: name) else {
            let choices = DataScore.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidOption("unknown data-pruning score '\(name)'; choose one of \(choices)")
        }
        self = score
    }

    /// The exact ℓ1 score Σₖ |pₖ − yₖ| of one sample.
    /// - Throws: ``TrainingError/labelOutOfRange(index:label:classes:)``.
    public static func l1(probabilities: ArraySlice<Double>, label: Int) throws(TrainingError) -> Double {
        try check(label, classes: probabilities.count)
        var sum = 0.0
        for (k, p) in zip(probabilities.indices, probabilities) {
            sum += abs(p - (k - probabilities.startIndex == label ? 1 : 0))
        }
        return sum
    }

    /// The HEFS score Σₖ dₖ·g(f(dₖ)) with dₖ = pₖ − yₖ.
    /// - Throws: ``TrainingError/polynomialInputOutOfRange(value:range:)``
    ///   when some pₖ − yₖ leaves [−1, 1] (P is not a probability vector),
    ///   ``TrainingError/labelOutOfRange(index:label:classes:)``.
    public static func hefs(probabilities: ArraySlice<Double>, label: Int,
                            sign: CompositeSignPolynomial = .heprune) throws(TrainingError) -> Double {
        try check(label, classes: probabilities.count)
        var sum = 0.0
        for (k, p) in zip(probabilities.indices, probabilities) {
            sum += try sign.absoluteValue(p - (k - probabilities.startIndex == label ? 1 : 0))
        }
        return sum
    }

    /// The fast HEFS score 2 − 2⟨P, Y⟩ = 2 − 2·p_label.
    /// - Throws: ``TrainingError/labelOutOfRange(index:label:classes:)``.
    public static func hefsFast(probabilities: ArraySlice<Double>, label: Int) throws(TrainingError) -> Double {
        try check(label, classes: probabilities.count)
        return 2 - 2 * probabilities[probabilities.startIndex + label]
    }

    /// `count` uniform random scores in [0, 1) (53-bit resolution).
    public static func random(count: Int, generator: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in Double(generator.next() >> 11) * 0x1p-53 }
    }

    /// The numerically stable softmax of one row of logits.
    public static func softmax(_ logits: ArraySlice<Double>) -> [Double] {
        let peak = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - peak) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// Scores of `labels.count` samples.
    /// - Parameters:
    ///   - probabilities: row-major [samples × classes] class probabilities
    ///     (ignored by ``random``).
    ///   - classes: the row length.
    ///   - labels: the class index of each sample.
    ///   - generator: the source of ``random`` scores.
    /// - Throws: the per-sample errors above, ``TrainingError/dataMismatch(_:)``
    ///   when the sizes disagree.
    public func scores(probabilities: [Double], classes: Int, labels: [Int],
                       generator: inout SplitMix64) throws(TrainingError) -> [Double] {
        if self == .random { return Self.random(count: labels.count, generator: &generator) }
        guard classes > 0, probabilities.count == labels.count * classes else {
            throw .dataMismatch("scoring needs \(labels.count) × \(classes) probabilities, got \(probabilities.count)")
        }
        var result: [Double] = []
        result.reserveCapacity(labels.count)
        for (row, label) in labels.enumerated() {
            let slice = probabilities[(row * classes)..<((row + 1) * classes)]
            do {
                switch self {
                case .l1: result.append(try Self.l1(probabilities: slice, label: label))
                case .hefs: result.append(try Self.hefs(probabilities: slice, label: label))
                case .hefsFast: result.append(try Self.hefsFast(probabilities: slice, label: label))
                case .random: break
                }
            } catch .labelOutOfRange(_, let label, let classes) {
                throw .labelOutOfRange(index: row, label: label, classes: classes)
            }
        }
        return result
    }

    private static func check(_ label: Int, classes: Int) throws(TrainingError) {
        guard (0..<classes).contains(label) else { throw .labelOutOfRange(index: 0, label: label, classes: classes) }
    }
}
