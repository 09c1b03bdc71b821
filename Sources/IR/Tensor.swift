/// A dense tensor with a static shape, stored row-major as `Double`.
///
/// Values are kept in `Double` whatever the element type so that the
/// interpreter and later passes share one representation; `elementType`
/// records the declared precision (an `f32` tensor only ever holds values that
/// are exactly representable as `Float`).
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var scalars: [Double]
    public var elementType: ElementType

    /// Creates a tensor; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Double], elementType: ElementType = .f32) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        self.elementType = elementType
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int], elementType: ElementType = .f32) {
        self.init(shape: shape, scalars: Array(repeating: 0, count: shape.reduce(1, *)),
                  elementType: elementType)
    }

    public var type: TensorType { TensorType(shape: shape, elementType) }
    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// Row-major strides of `shape`.
    public var strides: [Int] { Tensor.strides(of: shape) }

    public static func strides(of shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var step = 1
        for axis in (0..<shape.count).reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// The same values viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars, elementType: elementType)
    }

    /// The first non-finite value, if any, as (flat index, value).
    public var firstNonFinite: (index: Int, value: Double)? {
        for (index, value) in scalars.enumerated() where !value.isFinite {
            return (index, value)
        }
        return nil
    }

    /// Items `range` along the leading (batch) dimension.
    public func batchSlice(_ range: Range<Int>) -> Tensor {
        precondition(!shape.isEmpty && range.lowerBound >= 0 && range.upperBound <= shape[0])
        let perItem = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape,
                      scalars: Array(scalars[(range.lowerBound * perItem)..<(range.upperBound * perItem)]),
                      elementType: elementType)
    }
}
