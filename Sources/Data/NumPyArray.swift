public import HepexcIR

/// An n-dimensional array loaded from (or about to be written to) a `.npy`,
/// `.npz` or idx file.
///
/// Whatever the element type, values are held as `Double` in row-major
/// (C) order; `dtype` records the type stored in the file. Every supported
/// type converts exactly except 64-bit integers beyond ±2⁵³, which round to
/// the nearest `Double`.
public struct NumPyArray: Sendable, Equatable {
    /// The dimensions; `[]` for a 0-d (scalar) array.
    public var shape: [Int]
    /// The element type in the file.
    public var dtype: NumPyDType
    /// The values in row-major order; `scalars.count` is the product of `shape`.
    public var scalars: [Double]

    /// Creates an array.
    ///
    /// - Parameters:
    ///   - shape: The dimensions (each ≥ 0); `[]` for a scalar.
    ///   - dtype: The element type.
    ///   - scalars: Row-major values; the count must equal the product of `shape`.
    /// - Precondition: `scalars.count` equals the product of `shape`
    ///   (a programmer error, not a data error).
    public init(shape: [Int], dtype: NumPyDType, scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(NumPyArray.elementCount(of: shape) == scalars.count,
                     "shape \(shape) does not hold \(scalars.count) values")
        self.shape = shape
        self.dtype = dtype
        self.scalars = scalars
    }

    /// Creates an array holding a tensor's values: `f32` → `float32`,
    /// `f64` → `float64`, `i64` → `int64`.
    ///
    /// - Parameter tensor: The tensor to convert.
    public init(_ tensor: Tensor) {
        let dtype: NumPyDType
        switch tensor.elementType {
        case .f32: dtype = .float32
        case .f64: dtype = .float64
        case .i64: dtype = .int64
        }
        self.init(shape: tensor.shape, dtype: dtype, scalars: tensor.scalars)
    }

    /// The number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The element type a tensor of this array gets by default: `f64` for
    /// `float64`, `f32` for everything else (float32, integers, bool).
    public var defaultElementType: ElementType {
        dtype == .float64 ? .f64 : .f32
    }

    /// Converts to a ``Tensor`` with ``defaultElementType``.
    ///
    /// Values are rounded to `Float` for `f32` tensors, so integers beyond
    /// ±2²⁴ lose precision; use ``tensor(elementType:)`` with `.f64` or
    /// `.i64` to keep them.
    /// - Returns: A tensor with the same shape and values.
    public func tensor() -> Tensor {
        tensor(elementType: defaultElementType)
    }

    /// Converts to a ``Tensor`` of the given element type.
    ///
    /// - Parameter elementType: `.f32` rounds every value to `Float`;
    ///   `.i64` truncates toward zero; `.f64` keeps values unchanged.
    /// - Returns: A tensor with the same shape.
    public func tensor(elementType: ElementType) -> Tensor {
        switch elementType {
        case .f64:
            return Tensor(shape: shape, scalars: scalars, elementType: .f64)
        case .f32:
            if dtype == .float32 || dtype == .bool || dtype == .int8 || dtype == .uint8
                || dtype == .int16 || dtype == .uint16 {
                // Already exactly representable as Float.
                return Tensor(shape: shape, scalars: scalars, elementType: .f32)
            }
            return Tensor(shape: shape, scalars: scalars.map { Double(Float($0)) }, elementType: .f32)
        case .i64:
            return Tensor(shape: shape, scalars: scalars.map { $0.rounded(.towardZero) }, elementType: .i64)
        }
    }

    /// The product of `shape`, or `nil` when a dimension is negative or the
    /// product overflows `Int`.
    ///
    /// - Parameter shape: Dimensions, typically read from a file.
    /// - Returns: The element count (1 for `[]`), or `nil`.
    public static func elementCount(of shape: [Int]) -> Int? {
        var total = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            total = product
        }
        return total
    }

    /// The row-major multi-index of flat position `flat` in `shape`.
    static func multiIndex(of flat: Int, in shape: [Int]) -> [Int] {
        var index = Array(repeating: 0, count: shape.count)
        var rest = flat
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
