internal import Foundation
internal import HepexcIR

/// Compile-time evaluation of nodes whose inputs are all known: shape
/// arithmetic (Shape → Gather → Unsqueeze → Concat), casts, and weight
/// preprocessing an exporter left in the graph (Transpose of an initializer,
/// arithmetic on constants).
extension ONNXGraphBuilder {
    /// The folded outputs, or `nil` if the operator is not foldable.
    func fold(_ node: ONNXNode, _ inputs: [FoldedTensor?]) throws(NodeIssue) -> [FoldedTensor]? {
        func input(_ index: Int, _ what: String) throws(NodeIssue) -> FoldedTensor {
            guard index < inputs.count, let value = inputs[index] else {
                throw .fatal(.unsupportedConfiguration(node: node.name, opType: node.opType, reason: "\(what) (input \(index)) is missing"))
            }
            return value
        }
        func numeric(_ index: Int, _ what: String) throws(NodeIssue) -> Tensor {
            let value = try input(index, what)
            guard let tensor = value.tensor else { throw .unsupported("\(what) depends on the run-time batch size") }
            return tensor
        }
        switch node.opType {
        case "Identity", "Dropout":
            return [try input(0, "input")]
        case "Cast":
            return [try cast(try input(0, "input"), to: try node.int("to") ?? 1)]
        case "Unsqueeze":
            let data = try input(0, "data")
            let axes = opset >= 13 ? (try input(1, "axes").ints ?? []) : (try node.ints("axes") ?? [])
            var shape = data.shape
            let rank = shape.count + axes.count
            for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() {
                guard axis >= 0, axis <= shape.count else { throw .unsupported("axis \(axis) out of range") }
                shape.insert(1, at: axis)
            }
            return [FoldedTensor(shape: shape, scalars: data.scalars, isInteger: data.isInteger, elementType: data.elementType)]
        case "Squeeze":
            let data = try input(0, "data")
            let given = opset >= 13 ? (inputs.count > 1 ? inputs[1]?.ints : nil) : try node.ints("axes")
            let axes = Set((given ?? data.shape.indices.filter { data.shape[$0] == 1 }).map { $0 < 0 ? $0 + data.shape.count : $0 })
            for axis in axes where axis < 0 || axis >= data.shape.count || data.shape[axis] != 1 {
                throw .unsupported("cannot squeeze axis \(axis) of a constant of shape \(data.shape)")
            }
            let shape = data.shape.indices.filter { !axes.contains($0) }.map { data.shape[$0] }
            return [FoldedTensor(shape: shape, scalars: data.scalars, isInteger: data.isInteger, elementType: data.elementType)]
        case "Concat":
            let parts = inputs.compactMap { $0 }
            guard let first = parts.first else { throw .unsupported("no inputs") }
            var axis = try node.int("axis", default: 0)
            if axis < 0 { axis += first.shape.count }
            return [try concatenate(parts, axis: axis)]
        case "Gather":
            return [try gather(try input(0, "data"), indices: try input(1, "indices"), axis: try node.int("axis", default: 0))]
        case "Slice":
            return [try slice(node, inputs)]
        case "Reshape":
            let data = try input(0, "data")
            guard let target = try input(1, "shape").ints else { throw .unsupported("reshape of a constant to a batch-dependent shape") }
            let allowZero = try node.int("allowzero", default: 0) == 1
            let shape = try resolveStaticReshape(data.shape, target, allowZero: allowZero)
            return [FoldedTensor(shape: shape, scalars: data.scalars, isInteger: data.isInteger, elementType: data.elementType)]
        case "Flatten":
            let data = try input(0, "input")
            var axis = try node.int("axis", default: 1)
            if axis < 0 { axis += data.shape.count }
            let outer = data.shape[..<axis].reduce(1, *)
            return [FoldedTensor(shape: [outer, data.count / max(outer, 1)], scalars: data.scalars,
                                 isInteger: data.isInteger, elementType: data.elementType)]
        case "Transpose":
            let data = try numeric(0, "data")
            let perm = try node.ints("perm") ?? Array((0..<data.rank).reversed())
            guard perm.sorted() == Array(0..<data.rank) else { throw .unsupported("invalid perm \(perm)") }
            return [FoldedTensor(data.transposed(perm), isInteger: try input(0, "data").isInteger)]
        case "Add", "Sub", "Mul", "Div", "Pow":
            return [try foldBinary(node.opType, try input(0, "A"), try input(1, "B"))]
        case "Neg", "Sqrt", "Reciprocal", "Abs", "Exp", "Log", "Relu", "Floor", "Ceil":
            let data = try numeric(0, "input")
            let transform: (Double) -> Double
            switch node.opType {
            case "Neg": transform = { -$0 }
            case "Sqrt": transform = { $0.squareRoot() }
            case "Reciprocal": transform = { 1 / $0 }
            case "Abs": transform = { abs($0) }
            case "Relu": transform = { max(0, $0) }
            case "Floor": transform = { $0.rounded(.down) }
            case "Ceil": transform = { $0.rounded(.up) }
            case "Exp": transform = { Foundation.exp($0) }
            case "Log": transform = { Foundation.log($0) }
            default: return nil
            }
            let result = Tensor(shape: data.shape, scalars: data.scalars.map(transform), elementType: data.elementType)
            if let bad = result.firstNonFinite {
                throw .fatal(.nonFiniteWeight(name: node.outputs.first ?? node.name, index: bad.index, value: bad.value))
            }
            return [FoldedTensor(result, isInteger: try input(0, "input").isInteger)]
        case "ConstantOfShape":
            guard let shape = try input(0, "shape").ints, shape.allSatisfy({ $0 >= 0 }),
                  let count = ShapeInference.checkedProduct(shape), count <= 1 << 24 else {
                throw .unsupported("ConstantOfShape needs a static, modest shape")
            }
            var value = FoldedTensor(Tensor(shape: [], scalars: [0]))
            if let proto = try node.tensor("value") {
                do { value = try TensorDecoder(baseDirectory: nil).decode(proto, name: node.name) } catch { throw .fatal(error) }
            }
            let scalar = value.scalars.first ?? .number(0)
            return [FoldedTensor(shape: shape, scalars: Array(repeating: scalar, count: shape.reduce(1, *)),
                                 isInteger: value.isInteger, elementType: value.elementType)]
        default:
            return nil
        }
    }

    func cast(_ data: FoldedTensor, to type: Int) throws(NodeIssue) -> FoldedTensor {
        switch type {
        case 1, 10, 16: return FoldedTensor(shape: data.shape, scalars: data.scalars.map { s in s.number.map { .number(Double(Float($0))) } ?? s }, isInteger: false, elementType: .f32)
        case 11: return FoldedTensor(shape: data.shape, scalars: data.scalars, isInteger: false, elementType: .f64)
        case 2, 3, 4, 5, 6, 7, 12, 13:
            return FoldedTensor(shape: data.shape, scalars: data.scalars.map { s in s.number.map { .number($0.rounded(.towardZero)) } ?? s }, isInteger: true, elementType: .i64)
        case 9:
            return FoldedTensor(shape: data.shape, scalars: data.scalars.map { s in s.number.map { .number($0 != 0 ? 1 : 0) } ?? .number(1) }, isInteger: true, elementType: .i64)
        default: throw .unsupported("cast to data type \(type)")
        }
    }

    func concatenate(_ parts: [FoldedTensor], axis: Int) throws(NodeIssue) -> FoldedTensor {
        guard let first = parts.first, axis >= 0, axis < first.shape.count else { throw .unsupported("concat axis out of range") }
        for part in parts where part.shape.count != first.shape.count
            || part.shape.indices.contains(where: { $0 != axis && part.shape[$0] != first.shape[$0] }) {
            throw .fatal(.shapeMismatch(node: "Concat", reason: "cannot concatenate shapes \(first.shape) and \(part.shape) on axis \(axis)"))
        }
        let outer = first.shape[..<axis].reduce(1, *)
        var scalars: [FoldedTensor.Scalar] = []
        for o in 0..<outer {
            for part in parts {
                let chunk = part.shape[axis...].reduce(1, *)
                scalars.append(contentsOf: part.scalars[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        var shape = first.shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        return FoldedTensor(shape: shape, scalars: scalars, isInteger: parts.allSatisfy(\.isInteger), elementType: first.elementType)
    }

    func gather(_ data: FoldedTensor, indices: FoldedTensor, axis rawAxis: Int) throws(NodeIssue) -> FoldedTensor {
        let axis = rawAxis < 0 ? rawAxis + data.shape.count : rawAxis
        guard axis >= 0, axis < data.shape.count, let positions = indices.ints else {
            throw .unsupported("gather with invalid axis or indices")
        }
        let extent = data.shape[axis]
        let outer = data.shape[..<axis].reduce(1, *)
        let inner = data.shape[(axis + 1)...].reduce(1, *)
        var scalars: [FoldedTensor.Scalar] = []
        for o in 0..<outer {
            for position in positions {
                let p = position < 0 ? position + extent : position
                guard p >= 0, p < extent else { throw .fatal(.shapeMismatch(node: "Gather", reason: "index \(position) out of range for extent \(extent)")) }
                let start = (o * extent + p) * inner
                scalars.append(contentsOf: data.scalars[start..<(start + inner)])
            }
        }
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        return FoldedTensor(shape: shape, scalars: scalars, isInteger: data.isInteger, elementType: data.elementType)
    }

    func slice(_ node: ONNXNode, _ inputs: [FoldedTensor?]) throws(NodeIssue) -> FoldedTensor {
        guard let data = inputs.first ?? nil else { throw .unsupported("missing data") }
        let starts: [Int], ends: [Int], axesGiven: [Int]?, steps: [Int]?
        if opset >= 10 {
            guard inputs.count >= 3, let s = inputs[1]?.ints, let e = inputs[2]?.ints else { throw .unsupported("slice bounds must be constant") }
            starts = s; ends = e
            axesGiven = inputs.count > 3 ? inputs[3]?.ints : nil
            steps = inputs.count > 4 ? inputs[4]?.ints : nil
        } else {
            starts = try node.ints("starts") ?? []
            ends = try node.ints("ends") ?? []
            axesGiven = try node.ints("axes")
            steps = nil
        }
        let rank = data.shape.count
        let axes = (axesGiven ?? Array(0..<starts.count)).map { $0 < 0 ? $0 + rank : $0 }
        guard axes.count == starts.count, ends.count == starts.count, axes.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw .unsupported("inconsistent slice parameters")
        }
        var ranges = data.shape.map { Array(0..<$0) }
        for (k, axis) in axes.enumerated() {
            let extent = data.shape[axis]
            let step = steps?[k] ?? 1
            guard step != 0 else { throw .unsupported("slice step 0") }
            func clamp(_ v: Int, _ low: Int, _ high: Int) -> Int { min(max(v, low), high) }
            var start = starts[k] < 0 ? starts[k] + extent : starts[k]
            var end = ends[k] < 0 ? ends[k] + extent : ends[k]
            if step > 0 {
                start = clamp(start, 0, extent); end = clamp(end, 0, extent)
                ranges[axis] = Array(stride(from: start, to: end, by: step))
            } else {
                start = clamp(start, -1, extent - 1); end = clamp(end, -1, extent - 1)
                ranges[axis] = Array(stride(from: start, to: end, by: step))
            }
        }
        let strides = Tensor.strides(of: data.shape)
        var scalars: [FoldedTensor.Scalar] = []
        func visit(_ axis: Int, _ offset: Int) {
            if axis == rank { scalars.append(data.scalars[offset]); return }
            for i in ranges[axis] { visit(axis + 1, offset + i * strides[axis]) }
        }
        visit(0, 0)
        return FoldedTensor(shape: ranges.map(\.count), scalars: scalars, isInteger: data.isInteger, elementType: data.elementType)
    }

    /// Element-wise arithmetic on constants; the batch symbol survives
    /// multiplication and exact division by numbers.
    func foldBinary(_ op: String, _ a: FoldedTensor, _ b: FoldedTensor) throws(NodeIssue) -> FoldedTensor {
        let isInteger = a.isInteger && b.isInteger
        if let x = a.tensor, let y = b.tensor {
            let combine: (Double, Double) -> Double
            switch op {
            case "Add": combine = { $0 + $1 }
            case "Sub": combine = { $0 - $1 }
            case "Mul": combine = { $0 * $1 }
            case "Div": combine = isInteger ? { ($0 / $1).rounded(.towardZero) } : { $0 / $1 }
            default: combine = { power($0, $1) }
            }
            guard let result = x.broadcasting(y, combine) else {
                throw .fatal(.shapeMismatch(node: op, reason: "constant shapes \(x.shape) and \(y.shape) do not broadcast"))
            }
            if !isInteger, let bad = result.firstNonFinite {
                throw .fatal(.nonFiniteWeight(name: "\(op) of constants", index: bad.index, value: bad.value))
            }
            return FoldedTensor(shape: result.shape, scalars: result.scalars.map { .number($0) }, isInteger: isInteger,
                                elementType: a.elementType == .f64 || b.elementType == .f64 ? .f64 : (isInteger ? .i64 : .f32))
        }
        // Symbolic: same shape or one side a single number.
        guard a.count == b.count || a.count == 1 || b.count == 1 else { throw .unsupported("arithmetic on the batch size") }
        let count = max(a.count, b.count)
        var scalars: [FoldedTensor.Scalar] = []
        for index in 0..<count {
            let left = a.scalars[a.count == 1 ? 0 : index], right = b.scalars[b.count == 1 ? 0 : index]
            switch (op, left, right) {
            case ("Mul", .batch(let f), .number(let n)), ("Mul", .number(let n), .batch(let f)):
                guard let k = Int(exactly: n) else { throw .unsupported("arithmetic on the batch size") }
                scalars.append(.batch(factor: f * k))
            case ("Div", .batch(let f), .number(let n)):
                guard let k = Int(exactly: n), k != 0, f % k == 0 else { throw .unsupported("arithmetic on the batch size") }
                scalars.append(.batch(factor: f / k))
            case (_, .number(let x), .number(let y)):
                let value: Double = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : op == "Div" ? x / y : power(x, y)
                scalars.append(.number(value))
            default:
                throw .unsupported("arithmetic on the batch size")
            }
        }
        return FoldedTensor(shape: a.count >= b.count ? a.shape : b.shape, scalars: scalars, isInteger: isInteger, elementType: .i64)
    }

    /// ONNX Reshape semantics on a fully static shape (0 copies, -1 infers).
    func resolveStaticReshape(_ shape: [Int], _ target: [Int], allowZero: Bool) throws(NodeIssue) -> [Int] {
        var result: [Int] = []
        var inferred: Int?
        for (index, value) in target.enumerated() {
            switch value {
            case 0 where !allowZero:
                guard index < shape.count else { throw .unsupported("reshape copies a dimension that does not exist") }
                result.append(shape[index])
            case -1:
                guard inferred == nil else { throw .unsupported("reshape with two -1 entries") }
                inferred = index
                result.append(1)
            case let v where v >= 0: result.append(v)
            default: throw .unsupported("reshape to \(target)")
            }
        }
        guard let total = ShapeInference.checkedProduct(shape) else { throw .unsupported("reshape of \(shape)") }
        if let inferred {
            guard let known = ShapeInference.checkedProduct(result), known > 0, total % known == 0 else {
                throw .fatal(.shapeMismatch(node: "Reshape", reason: "cannot reshape \(shape) to \(target)"))
            }
            result[inferred] = total / known
        }
        guard ShapeInference.checkedProduct(result) == total else {
            throw .fatal(.shapeMismatch(node: "Reshape", reason: "cannot reshape \(shape) to \(target)"))
        }
        return result
    }
}

/// x^y for constants, exact for small non-negative integer exponents.
private func power(_ x: Double, _ y: Double) -> Double {
    if let n = Int(exactly: y), n >= 0, n <= 64 {
        var result = 1.0
        for _ in 0..<n { result *= x }
        return result
    }
    return Foundation.pow(x, y)
}
