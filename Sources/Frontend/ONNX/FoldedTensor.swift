internal import HepexcIR

/// A compile-time-known tensor met while importing: an initializer, a
/// `Constant` node, or the result of folding shape arithmetic.
///
/// Shape computations in exported models (PyTorch's `x.view(x.size(0), -1)`
/// becomes Shape → Gather → Unsqueeze → Concat → Reshape) mention the batch
/// size, which is unknown until run time. A scalar may therefore be the
/// symbol `batch` (or a multiple of it) instead of a number; such tensors can
/// still feed a Reshape, which is all those subgraphs are for.
struct FoldedTensor: Equatable {
    /// A value that is a number or `factor × batch`.
    enum Scalar: Equatable {
        case number(Double)
        case batch(factor: Int)

        var number: Double? { if case .number(let v) = self { return v }; return nil }
    }

    var shape: [Int]
    var scalars: [Scalar]
    /// Whether the values are integers (ONNX int/bool types) or floats.
    var isInteger: Bool
    var elementType: ElementType

    init(shape: [Int], scalars: [Scalar], isInteger: Bool, elementType: ElementType) {
        self.shape = shape
        self.scalars = scalars
        self.isInteger = isInteger
        self.elementType = elementType
    }

    init(_ tensor: Tensor, isInteger: Bool = false) {
        self.init(shape: tensor.shape, scalars: tensor.scalars.map { .number($0) },
                  isInteger: isInteger, elementType: tensor.elementType)
    }

    /// Integer vector helper (e.g. shapes, axes).
    init(ints: [Int], shape: [Int]? = nil) {
        self.init(shape: shape ?? [ints.count], scalars: ints.map { .number(Double($0)) },
                  isInteger: true, elementType: .i64)
    }

    var count: Int { scalars.count }

    /// The numeric tensor, if no scalar mentions the batch.
    var tensor: Tensor? {
        var values: [Double] = []
        values.reserveCapacity(scalars.count)
        for scalar in scalars {
            guard let number = scalar.number else { return nil }
            values.append(number)
        }
        return Tensor(shape: shape, scalars: values, elementType: isInteger ? .i64 : elementType)
    }

    /// The values as integers, if all are numbers with integral values.
    var ints: [Int]? {
        var values: [Int] = []
        for scalar in scalars {
            guard let number = scalar.number, let int = Int(exactly: number) else { return nil }
            values.append(int)
        }
        return values
    }

    /// A single scalar value (rank 0 or one element), if numeric.
    var singleNumber: Double? {
        guard scalars.count == 1 else { return nil }
        return scalars[0].number
    }
}
