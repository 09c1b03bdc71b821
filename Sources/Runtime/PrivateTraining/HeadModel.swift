internal import Foundation

/// The classifier head as the client sees it after decrypting: the
/// c_pad × columns matrix in the layout's column order (bias column included).
public struct HeadModel: Sendable, Equatable {
    public let layout: HETALLayout
    public var matrix: [[Double]]

    public init(layout: HETALLayout, matrix: [[Double]]) {
        self.layout = layout
        self.matrix = matrix
    }

    /// All-zero weights (the starting point of training).
    public static func zero(_ layout: HETALLayout) -> HeadModel {
        HeadModel(layout: layout, matrix: Array(repeating: Array(repeating: 0, count: layout.columnCount),
                                                count: layout.paddedClasses))
    }

    /// Logits of the real classes for one normalised sample.
    public func logits(_ sample: [Double]) -> [Double] {
        let x = layout.augmented(sample)
        return (0..<layout.classCount).map { j in zip(matrix[j], x).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// Fraction of samples whose arg-max logit is the label.
    public func accuracy(_ features: [[Double]], _ labels: [Int]) -> Double {
        guard !features.isEmpty else { return 0 }
        let correct = zip(features, labels).filter { sample, label in
            let z = logits(sample)
            return z.indices.max { z[$0] < z[$1] } == label
        }.count
        return Double(correct) / Double(features.count)
    }

    /// Mean cross-entropy with the exact softmax.
    public func loss(_ features: [[Double]], _ labels: [Int]) -> Double {
        guard !features.isEmpty else { return 0 }
        let total = zip(features, labels).reduce(0.0) { sum, pair in
            let p = SoftmaxApproximation.exact(logits(pair.0))
            return sum - log(max(p[pair.1], 1e-300))
        }
        return total / Double(features.count)
    }

    /// The largest centred logit |z_j − mean z| over the samples: the
    /// softmax domain holds the step only while this stays ≤ U.
    public func largestCentredLogit(_ features: [[Double]]) -> Double {
        features.reduce(0) { max($0, SoftmaxApproximation.centredMagnitude(logits($1))) }
    }

    /// Relative difference in the max norm: max|a − b| / max|b| over all
    /// entries (`b` = `other`; 0 when both are zero).
    public func relativeDifference(to other: HeadModel) -> Double {
        let reference = other.matrix.flatMap { $0 }.map(abs).max() ?? 0
        let difference = zip(matrix.flatMap { $0 }, other.matrix.flatMap { $0 }).map { abs($0 - $1) }.max() ?? 0
        return reference > 0 ? difference / reference : difference
    }
}
