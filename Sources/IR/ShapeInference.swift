/// Computes the result type of an operation from its operand types and
/// attributes, and validates both. Used by frontends to type what they build
/// and by the verifier to check what it is given.
public enum ShapeInference {
    /// The result type of `kind` applied to `operands`.
    ///
    /// - Parameters:
    ///   - result: the result's name, for error messages.
    ///   - operands: operand types, in order.
    /// - Throws: `IRError.shape` naming the problem.
    public static func resultType(of kind: OpKind, result: String, operands: [TensorType],
                                  attributes: Attributes) throws -> TensorType {
        func fail(_ message: String) -> IRError { .shape(operation: result, kind: kind, message: message) }
        guard kind.operandCount.contains(operands.count) else {
            throw fail("takes \(kind.operandCount.lowerBound == kind.operandCount.upperBound ? "\(kind.operandCount.lowerBound)" : "\(kind.operandCount.lowerBound)–\(kind.operandCount.upperBound)") operands, got \(operands.count)")
        }
        let x = operands[0]
        let element = x.elementType == .i64 ? ElementType.f32 : x.elementType
        switch kind {
        case .dense:
            guard x.rank == 2 else { throw fail("input must be [batch, features], got \(x)") }
            let w = operands[1]
            guard w.rank == 2, let outFeatures = w.dimensions[0], let inFeatures = w.dimensions[1] else {
                throw fail("weight must be a static [out, in] matrix, got \(w)")
            }
            if let features = x.dimensions[1], features != inFeatures {
                throw fail("input has \(features) features but the weight expects \(inFeatures)")
            }
            if operands.count == 3 {
                guard operands[2].staticShape == [outFeatures] else {
                    throw fail("bias must be [\(outFeatures)], got \(operands[2])")
                }
            }
            return TensorType([x.dimensions[0], outFeatures], element)

        case .conv2d:
            guard x.rank == 4 else { throw fail("input must be NCHW, got \(x)") }
            let w = operands[1]
            guard w.rank == 4, let wShape = w.staticShape else {
                throw fail("weight must be a static [out, in, kh, kw] tensor, got \(w)")
            }
            if let channels = x.dimensions[1], channels != wShape[1] {
                throw fail("input has \(channels) channels but the weight expects \(wShape[1])")
            }
            if operands.count == 3, operands[2].staticShape != [wShape[0]] {
                throw fail("bias must be [\(wShape[0])], got \(operands[2])")
            }
            let strides = try pair(attributes, "strides", default: [1, 1], fail)
            let pads = try quad(attributes, "pads", fail)
            let height = try window(x.dimensions[2], kernel: wShape[2], stride: strides[0], before: pads[0], after: pads[2], axis: "height", fail)
            let width = try window(x.dimensions[3], kernel: wShape[3], stride: strides[1], before: pads[1], after: pads[3], axis: "width", fail)
            return TensorType([x.dimensions[0], wShape[0], height, width], element)

        case .add, .sub, .mul:
            return TensorType(try broadcast(operands[0].dimensions, operands[1].dimensions, fail), element)

        case .poly:
            guard let coefficients = attributes["coeffs"]?.doublesValue, !coefficients.isEmpty else {
                throw fail("needs a non-empty `coeffs` list")
            }
            guard coefficients.allSatisfy(\.isFinite) else { throw fail("coefficients must be finite") }
            return TensorType(x.dimensions, element)

        case .relu, .sigmoid, .tanh:
            return TensorType(x.dimensions, element)

        case .activation:
            guard let name = attributes["fn"]?.stringValue else { throw fail("needs `fn`, the activation's name") }
            guard ActivationFunction(rawValue: name) != nil else {
                throw fail("unknown activation '\(name)' (known: \(ActivationFunction.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            for key in ["alpha", "beta"] {
                if let value = attributes[key], value.doubleValue == nil || value.doubleValue?.isNaN == true {
                    throw fail("`\(key)` must be a number, got \(value)")
                }
            }
            return TensorType(x.dimensions, element)

        case .pad:
            guard x.rank == 4 else { throw fail("input must be NCHW, got \(x)") }
            guard let pads = attributes["pads"]?.intsValue, pads.count == 4,
                  pads.allSatisfy({ $0 > -(1 << 20) && $0 < 1 << 20 }) else {
                throw fail("needs `pads` = [top, left, bottom, right] (negative entries crop)")
            }
            var dims = x.dimensions
            for axis in 0..<2 {
                guard let size = dims[axis + 2] else { continue }
                let padded = size + pads[axis] + pads[axis + 2]
                guard padded >= 1 else { throw fail("cropping \(-pads[axis]) + \(-pads[axis + 2]) leaves nothing of size \(size)") }
                dims[axis + 2] = padded
            }
            return TensorType(dims, element)

        case .avgpool2d, .maxpool2d:
            guard x.rank == 4 else { throw fail("input must be NCHW, got \(x)") }
            let kernel = try pair(attributes, "kernel", default: nil, fail)
            let strides = try pair(attributes, "strides", default: kernel, fail)
            let pads = try quad(attributes, "pads", fail)
            for (index, pad) in pads.enumerated() where pad >= kernel[index % 2] {
                throw fail("padding \(pad) must be smaller than the kernel \(kernel[index % 2])")
            }
            let height = try window(x.dimensions[2], kernel: kernel[0], stride: strides[0], before: pads[0], after: pads[2], axis: "height", fail)
            let width = try window(x.dimensions[3], kernel: kernel[1], stride: strides[1], before: pads[1], after: pads[3], axis: "width", fail)
            return TensorType([x.dimensions[0], x.dimensions[1], height, width], element)

        case .globalAvgpool:
            guard x.rank == 4 else { throw fail("input must be NCHW, got \(x)") }
            return TensorType([x.dimensions[0], x.dimensions[1], 1, 1], element)

        case .batchnorm:
            guard x.rank >= 2, let channels = x.dimensions[1] else {
                throw fail("input must have a known channel axis 1, got \(x)")
            }
            for (index, name) in ["scale", "bias", "mean", "var"].enumerated()
            where operands[index + 1].staticShape != [channels] {
                throw fail("\(name) must be [\(channels)], got \(operands[index + 1])")
            }
            if let epsilon = attributes["epsilon"] {
                guard let value = epsilon.doubleValue, value >= 0, value.isFinite else {
                    throw fail("epsilon must be a finite non-negative number")
                }
            }
            return TensorType(x.dimensions, element)

        case .reshape:
            guard let shape = attributes["shape"]?.intsValue, shape.allSatisfy({ $0 > 0 }),
                  let product = checkedProduct(shape) else {
                throw fail("needs `shape`, a list of positive per-item dimensions with a representable product")
            }
            if let items = x.elementsPerItem, items != product {
                throw fail("cannot reshape \(items) values per item into \(shape)")
            }
            guard x.rank >= 1 else { throw fail("input must have a batch dimension") }
            return TensorType([x.dimensions[0]] + shape.map { Optional($0) }, x.elementType)

        case .transpose:
            guard let perm = attributes["perm"]?.intsValue, perm.sorted() == Array(0..<x.rank) else {
                throw fail("needs `perm`, a permutation of 0..<\(x.rank)")
            }
            guard perm.first == 0 else { throw fail("perm must keep the batch axis first, got \(perm)") }
            return TensorType(perm.map { x.dimensions[$0] }, x.elementType)

        case .permute:
            let axis = try axisAttribute(attributes, rank: x.rank, fail)
            guard axis > 0 else { throw fail("permute across the batch axis is not supported") }
            guard let extent = x.dimensions[axis] else { throw fail("permuted axis \(axis) must be static") }
            guard let perm = attributes["perm"]?.intsValue, perm.count == extent,
                  perm.sorted() == Array(0..<extent) else {
                throw fail("needs `perm`, a permutation of 0..<\(extent) (axis \(axis))")
            }
            return TensorType(x.dimensions, x.elementType)

        case .softmax:
            let axis = try axisAttribute(attributes, rank: x.rank, fail)
            guard axis > 0 else { throw fail("softmax across the batch axis is not supported") }
            return TensorType(x.dimensions, element)

        case .argmax:
            let axis = try axisAttribute(attributes, rank: x.rank, fail)
            guard axis > 0 else { throw fail("argmax across the batch axis is not supported") }
            let keep = attributes["keepdims"]?.boolValue ?? false
            var dims = x.dimensions
            if keep { dims[axis] = 1 } else { dims.remove(at: axis) }
            return TensorType(dims, .i64)
        }
    }

    /// NumPy broadcasting of two shapes, right-aligned.
    public static func broadcast(_ a: [Int?], _ b: [Int?], _ fail: (String) -> IRError) throws -> [Int?] {
        let rank = max(a.count, b.count)
        var result: [Int?] = []
        for index in 0..<rank {
            let left = index < rank - a.count ? 1 : a[index - (rank - a.count)]
            let right = index < rank - b.count ? 1 : b[index - (rank - b.count)]
            switch (left, right) {
            case (1, let other), (let other, 1): result.append(other)
            case let (l?, r?) where l == r: result.append(l)
            case (nil, nil): result.append(nil)
            case (nil, let known?), (let known?, nil): result.append(known)
            default:
                throw fail("shapes \(describe(a)) and \(describe(b)) do not broadcast")
            }
        }
        return result
    }

    static func describe(_ dims: [Int?]) -> String {
        "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
    }

    private static func pair(_ attributes: Attributes, _ key: String, default fallback: [Int]?,
                             _ fail: (String) -> IRError) throws -> [Int] {
        guard let value = attributes[key] else {
            if let fallback { return fallback }
            throw fail("needs `\(key)` = [h, w]")
        }
        guard let values = value.intsValue, values.count == 2, values.allSatisfy({ $0 > 0 }) else {
            throw fail("`\(key)` must be two positive integers, got \(value)")
        }
        return values
    }

    private static func quad(_ attributes: Attributes, _ key: String, _ fail: (String) -> IRError) throws -> [Int] {
        guard let value = attributes[key] else { return [0, 0, 0, 0] }
        guard let values = value.intsValue, values.count == 4, values.allSatisfy({ $0 >= 0 }) else {
            throw fail("`\(key)` must be four non-negative integers [top, left, bottom, right], got \(value)")
        }
        return values
    }

    private static func window(_ size: Int?, kernel: Int, stride: Int, before: Int, after: Int,
                               axis: String, _ fail: (String) -> IRError) throws -> Int? {
        guard let size else { return nil }
        let (partial, overflow1) = size.addingReportingOverflow(before)
        let (padded, overflow2) = partial.addingReportingOverflow(after)
        guard !overflow1, !overflow2 else { throw fail("padding \(before)+\(after) on \(axis) \(size) is out of range") }
        guard padded >= kernel else {
            throw fail("kernel \(kernel) is larger than the padded \(axis) \(padded)")
        }
        return (padded - kernel) / stride + 1
    }

    private static func axisAttribute(_ attributes: Attributes, rank: Int, _ fail: (String) -> IRError) throws -> Int {
        let axis = attributes["axis"]?.intValue ?? (rank - 1)
        guard (0..<rank).contains(axis) else { throw fail("axis \(axis) is out of range for rank \(rank)") }
        return axis
    }

    /// The product of `values`, or `nil` on overflow (sizes read from files
    /// are multiplied only through this).
    public static func checkedProduct(_ values: [Int]) -> Int? {
        var product = 1
        for value in values {
            let (next, overflow) = product.multipliedReportingOverflow(by: value)
            if overflow { return nil }
            product = next
        }
        return product
    }
}
