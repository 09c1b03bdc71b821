import HepexcIR

extension DatasetLoader {
    /// Turns a labels array into class indices or regression targets.
    ///
    /// Rules, in order:
    /// 1. `[N, C]` with C > 1 where every row is one-hot → `argmax` class indices.
    /// 2. Integer or bool dtype, shape `[N]` or `[N, 1]` → class indices (≥ 0).
    /// 3. Float dtype, shape `[N]`, every value integral → class indices (≥ 0).
    /// 4. Anything else → regression targets (finite values required).
    /// - Throws: ``DataError`` — `invalidShape` (rank 0), `countMismatch`,
    ///   `nonFiniteValue`, `negativeLabel`, `invalidLabel`.
    static func interpretLabels(_ y: NumPyArray, exampleCount: Int, inputsPath: String,
                                labelsPath: String, key: String?) throws -> (labels: [Int]?, targets: Tensor?) {
        guard y.rank >= 1 else {
            throw DataError.invalidShape(path: labelsPath, key: key, expected: "[N] or [N, C]", found: y.shape)
        }
        guard y.shape[0] == exampleCount else {
            throw DataError.countMismatch(path: inputsPath, inputs: exampleCount, labels: y.shape[0])
        }
        if let (index, value) = y.firstNonFinite {
            throw DataError.nonFiniteValue(path: labelsPath, key: key, index: index, value: "\(value)")
        }
        if let indices = oneHotIndices(y) {
            return (indices, nil)
        }
        let isColumn = y.rank == 1 || (y.rank == 2 && y.shape[1] == 1)
        let integral = y.dtype.isInteger
            ? isColumn
            : y.rank == 1 && y.scalars.allSatisfy { $0.rounded() == $0 }
        guard integral else {
            return (nil, y.tensor())
        }
        var labels: [Int] = []
        labels.reserveCapacity(y.count)
        for (index, value) in y.scalars.enumerated() {
            guard let label = Int(exactly: value) else {
                throw DataError.invalidLabel(path: labelsPath, key: key, index: index, value: "\(value)")
            }
            guard label >= 0 else {
                throw DataError.negativeLabel(path: labelsPath, key: key, index: index, value: label)
            }
            labels.append(label)
        }
        return (labels, nil)
    }

    /// The row-wise `argmax` when `y` is `[N, C]` (C > 1) and every row holds
    /// exactly one 1 and otherwise 0s; `nil` otherwise.
    static func oneHotIndices(_ y: NumPyArray) -> [Int]? {
        guard y.rank == 2, y.shape[1] > 1 else { return nil }
        let width = y.shape[1]
        var indices: [Int] = []
        indices.reserveCapacity(y.shape[0])
        for row in 0..<y.shape[0] {
            var hot: Int?
            for column in 0..<width {
                let value = y.scalars[row * width + column]
                if value == 1 {
                    guard hot == nil else { return nil }
                    hot = column
                } else if value != 0 {
                    return nil
                }
            }
            guard let hot else { return nil }
            indices.append(hot)
        }
        return indices
    }
}
