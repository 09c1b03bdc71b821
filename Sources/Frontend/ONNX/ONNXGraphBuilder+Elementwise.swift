internal import HepexcIR

extension ONNXGraphBuilder {
    /// Add/Sub/Mul/Div with at least one run-time operand. Constants go
    /// second (operands of Add/Mul swap; `c − x` becomes `x·(−1) + c`;
    /// division by a constant becomes multiplication by its reciprocal).
    func binary(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        guard inputs.count == 2, let a = inputs[0], let b = inputs[1] else {
            throw .fatal(.unsupportedConfiguration(node: node.name, opType: node.opType, reason: "needs two inputs"))
        }
        let kind: OpKind = node.opType == "Add" ? .add : node.opType == "Sub" ? .sub : .mul
        switch (a, b) {
        case let (.value(x, _), .value(y, _)):
            guard node.opType != "Div" else { throw .unsupported("division by a run-time value (not HE-friendly)") }
            return try emit(kind, [.value(x), .value(y)], node: node)
        case let (.value(x, _), .folded(c)):
            var tensor = try numericTensor(c, "constant operand")
            if node.opType == "Div" {
                if let index = tensor.scalars.firstIndex(of: 0) {
                    throw .fatal(.invalidTensor(name: inputName(node, 1), reason: "division by zero at flat index \(index)"))
                }
                tensor.scalars = tensor.scalars.map { 1 / $0 }
            }
            return try emit(kind, [.value(x), constant(tensor, preferredName: inputName(node, 1))], node: node)
        case let (.folded(c), .value(x, _)):
            let tensor = try numericTensor(c, "constant operand")
            switch node.opType {
            case "Add", "Mul":
                return try emit(kind, [.value(x), constant(tensor, preferredName: inputName(node, 0))], node: node)
            case "Sub":
                let negated = Tensor(shape: [], scalars: [-1], elementType: tensor.elementType)
                guard case .value(let flipped, _) = try emit(.mul, [.value(x), constant(negated, preferredName: "\(node.name).neg")], node: node) else {
                    throw .unsupported("internal: negation failed")
                }
                return try emit(.add, [.value(flipped), constant(tensor, preferredName: inputName(node, 0))], node: node)
            default:
                throw .unsupported("division by a run-time value (not HE-friendly)")
            }
        default:
            throw .unsupported("operands are not available")
        }
    }

    /// `Pow(x, n)` with a constant integer exponent 0…64 becomes `poly`.
    func pow(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, _) = try runtimeInput(inputs, 0, node)
        let exponent = try foldedInput(inputs, 1, node, "exponent")
        guard let value = exponent.singleNumber, let degree = Int(exactly: value), (0...64).contains(degree) else {
            throw .unsupported("exponent must be a constant integer between 0 and 64 (not HE-friendly otherwise)")
        }
        var coefficients = Array(repeating: 0.0, count: degree + 1)
        coefficients[degree] = 1
        return try emit(.poly, [.value(x)], attributes: ["coeffs": .floats(coefficients)], node: node)
    }

    func castRuntime(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let target = try node.int("to") ?? 1
        switch target {
        case 1, 10, 11, 16, 6, 7:
            // Float ↔ float, and ints of argmax indices, change nothing numerically here.
            return try passThrough(inputs, node)
        default:
            return .stripped(node: node.name, opType: "Cast")
        }
    }

    func flatten(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        var axis = try node.int("axis", default: 1)
        if axis < 0 { axis += type.rank }
        guard axis == 1 else { throw .unsupported("axis = \(axis) (only 1: the batch stays the leading axis)") }
        guard let items = type.elementsPerItem else { throw .unsupported("flatten of an unknown shape") }
        if type.rank == 2 { return .value(x, type) }
        return try emit(.reshape, [.value(x)], attributes: ["shape": .ints([items])], node: node)
    }

    /// Reshape of a run-time value: the first target entry must denote the
    /// batch (the batch symbol, 0, -1, or the model's declared batch).
    func reshape(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        let target = try foldedInput(inputs, 1, node, "shape")
        guard let items = type.elementsPerItem else { throw .unsupported("reshape of an unknown shape") }
        let allowZero = try node.int("allowzero", default: 0) == 1
        guard let first = target.scalars.first else { throw .unsupported("reshape to a scalar drops the batch axis") }
        var rest: [Int] = []
        for scalar in target.scalars.dropFirst() {
            guard let number = scalar.number, let value = Int(exactly: number) else {
                throw .unsupported("reshape mixes the batch size into another axis")
            }
            rest.append(value)
        }
        let batchFirst: Bool
        switch first {
        case .batch(let factor): batchFirst = factor == 1
        case .number(let value):
            batchFirst = value == -1 || (value == 0 && !allowZero) || (declaredBatch.map { Double($0) == value } ?? false)
        }
        guard batchFirst else {
            throw .unsupported("reshape to \(describe(target)) changes the batch axis (the first dimension must stay the batch)")
        }
        var perItem: [Int] = []
        var inferred: Int?
        for (offset, value) in rest.enumerated() {
            switch value {
            case -1:
                guard inferred == nil, !(first.number == -1) else { throw .unsupported("reshape with two inferred dimensions") }
                inferred = offset
                perItem.append(1)
            case 0 where !allowZero:
                guard let dim = type.dimensions.dropFirst().dropFirst(offset).first, let dim else {
                    throw .unsupported("reshape copies a dimension that does not exist")
                }
                perItem.append(dim)
            case let v where v > 0: perItem.append(v)
            default: throw .unsupported("reshape to \(describe(target))")
            }
        }
        if let inferred {
            guard let known = ShapeInference.checkedProduct(perItem), known > 0, items % known == 0 else {
                throw .fatal(.shapeMismatch(node: node.name, reason: "cannot reshape \(items) values per item into \(describe(target))"))
            }
            perItem[inferred] = items / known
        }
        guard ShapeInference.checkedProduct(perItem) == items else {
            throw .fatal(.shapeMismatch(node: node.name, reason: "cannot reshape \(type) into \(describe(target))"))
        }
        if TensorType([nil] + perItem.map { Optional($0) }, type.elementType) == type { return .value(x, type) }
        return try emit(.reshape, [.value(x)], attributes: ["shape": .ints(perItem)], node: node)
    }

    func describe(_ target: FoldedTensor) -> String {
        "[" + target.scalars.map { scalar in
            switch scalar {
            case .number(let v): return Int(exactly: v).map(String.init) ?? "\(v)"
            case .batch(let f): return f == 1 ? "batch" : "\(f)·batch"
            }
        }.joined(separator: ", ") + "]"
    }

    func squeezeOrUnsqueeze(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        let axesValue: [Int]? = opset >= 13 ? (inputs.count > 1 ? try optionalFolded(inputs, 1, node, "axes")?.ints : nil) : try node.ints("axes")
        var dims = type.dimensions
        if node.opType == "Unsqueeze" {
            guard let axes = axesValue else { throw .unsupported("Unsqueeze without axes") }
            let rank = dims.count + axes.count
            for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() {
                guard axis > 0, axis <= dims.count else { throw .unsupported("unsqueeze at axis \(axis) moves the batch axis") }
                dims.insert(1, at: axis)
            }
        } else {
            let axes = Set((axesValue ?? dims.indices.filter { $0 > 0 && dims[$0] == 1 }).map { $0 < 0 ? $0 + dims.count : $0 })
            guard !axes.contains(0) else { throw .unsupported("squeeze of the batch axis") }
            for axis in axes where axis < 0 || axis >= dims.count || dims[axis] != 1 {
                throw .fatal(.shapeMismatch(node: node.name, reason: "cannot squeeze axis \(axis) of \(type)"))
            }
            dims = dims.indices.filter { !axes.contains($0) }.map { dims[$0] }
        }
        let shape = dims.dropFirst().compactMap { $0 }
        if TensorType(dims, type.elementType) == type { return .value(x, type) }
        return try emit(.reshape, [.value(x)], attributes: ["shape": .ints(Array(shape))], node: node)
    }

    func transpose(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        let perm = try node.ints("perm") ?? Array((0..<type.rank).reversed())
        guard perm.first == 0 else { throw .unsupported("perm \(perm) moves the batch axis") }
        if perm == Array(0..<type.rank) { return .value(x, type) }
        return try emit(.transpose, [.value(x)], attributes: ["perm": .ints(perm)], node: node)
    }

    func softmax(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        var axis = try node.int("axis", default: opset >= 13 ? -1 : 1)
        if axis < 0 { axis += type.rank }
        // Before opset 13 Softmax flattened the axes from `axis` on; that is
        // the same as a plain softmax only over the last axis.
        if opset < 13, axis != type.rank - 1 {
            // Opset < 13 coerces to 2-D at `axis`: with axis 1 that is a
            // softmax over each item's flattened values.
            guard axis == 1, let items = type.elementsPerItem, let shape = type.staticShape(droppingBatch: true) else {
                throw .unsupported("opset \(opset) Softmax with axis \(axis) of a rank-\(type.rank) tensor mixes the batch into the softmax")
            }
            guard case .value(let flat, _) = try emit(.reshape, [.value(x)], attributes: ["shape": .ints([items])], node: node),
                  case .value(let normalized, _) = try emit(.softmax, [.value(flat)], attributes: ["axis": .int(1)], node: node) else {
                throw .unsupported("internal: softmax lowering failed")
            }
            return try emit(.reshape, [.value(normalized)], attributes: ["shape": .ints(shape)], node: node)
        }
        return try emit(.softmax, [.value(x)], attributes: ["axis": .int(axis)], node: node)
    }

    func argMax(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        var axis = try node.int("axis", default: 0)
        if axis < 0 { axis += type.rank }
        if try node.int("select_last_index", default: 0) == 1 { throw .unsupported("select_last_index = 1") }
        let keep = try node.int("keepdims", default: 1) == 1
        return try emit(.argmax, [.value(x)], attributes: ["axis": .int(axis), "keepdims": .bool(keep)], node: node)
    }

    /// `ArrayFeatureExtractor(classes, indices)` from skl2onnx's label tail:
    /// the identity when the classes are 0…k−1, stripped otherwise.
    func arrayFeatureExtractor(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        if case .folded(let classes)? = inputs.first ?? nil, case .value? = inputs.count > 1 ? inputs[1] : nil,
           let values = classes.ints, values == Array(0..<values.count) {
            return try passThrough(Array(inputs.dropFirst()), node)
        }
        return .stripped(node: node.name, opType: node.opType)
    }
}

extension TensorType {
    /// The static dimensions after the batch, if they are all known.
    func staticShape(droppingBatch: Bool) -> [Int]? {
        var shape: [Int] = []
        for dim in dimensions.dropFirst(droppingBatch ? 1 : 0) {
            guard let dim else { return nil }
            shape.append(dim)
        }
        return shape
    }
}
