/// The type of a value in the IR: a shape whose dimensions may be unknown
/// (`nil`, printed `?`) and an element type.
///
/// By convention the leading dimension of every graph input is the batch and
/// is unknown; shape inference carries it through every operation.
public struct TensorType: Sendable, Hashable, CustomStringConvertible {
    public var dimensions: [Int?]
    public var elementType: ElementType

    public init(_ dimensions: [Int?], _ elementType: ElementType = .f32) {
        self.dimensions = dimensions
        self.elementType = elementType
    }

    /// A fully static type, e.g. for a constant.
    public init(shape: [Int], _ elementType: ElementType = .f32) {
        self.init(shape.map { Optional($0) }, elementType)
    }

    public var rank: Int { dimensions.count }

    /// The static shape, or `nil` if any dimension is unknown.
    public var staticShape: [Int]? {
        var shape: [Int] = []
        for dimension in dimensions {
            guard let dimension else { return nil }
            shape.append(dimension)
        }
        return shape
    }

    /// Number of elements per batch item: the product of every dimension but
    /// the first, or `nil` if one of them is unknown.
    /// `nil` also when the product does not fit in an `Int`.
    public var elementsPerItem: Int? {
        var count = 1
        for dimension in dimensions.dropFirst() {
            guard let dimension else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The number of elements, if the shape is static and the count fits in an `Int`.
    public var elementCount: Int? {
        guard let shape = staticShape else { return nil }
        return ShapeInference.checkedProduct(shape)
    }

    /// `tensor<?x1x28x28xf32>`; a scalar is `tensor<f32>`.
    public var description: String {
        let dims = dimensions.map { $0.map(String.init) ?? "?" }
        return "tensor<" + (dims + [elementType.rawValue]).joined(separator: "x") + ">"
    }

    /// The same type with the leading dimension replaced by `batch`.
    public func withBatch(_ batch: Int?) -> TensorType {
        guard !dimensions.isEmpty else { return self }
        var copy = self
        copy.dimensions[0] = batch
        return copy
    }
}
