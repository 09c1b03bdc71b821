internal import HepexcIR

extension ONNXGraphBuilder {
    /// Lowers one node to IR operations (or folds it) and returns the values
    /// of its outputs, in order.
    func lower(_ node: ONNXNode, _ inputs: [ImportedValue?], decoder: TensorDecoder) throws(NodeIssue) -> [ImportedValue] {
        // A node reading a stripped tail can only be part of that tail.
        if let stripped = inputs.lazy.compactMap({ $0 }).first(where: { if case .stripped = $0 { return true }; return false }) {
            guard Self.tailOperators.contains(node.opType) else {
                if case .stripped(let tailNode, let tailOp)? = Optional(stripped) {
                    throw .unsupported("reads the output of post-processing \(tailOp) node '\(tailNode)'")
                }
                throw .unsupported("reads a stripped post-processing value")
            }
            return node.outputs.map { _ in stripped }
        }
        for (position, input) in inputs.enumerated() {
            if case .unavailable(let source, let index)? = input {
                throw .unsupported("input \(position) is output \(index) of node '\(source)', which is not supported")
            }
        }
        if node.opType == "Constant" { return [.folded(try constantNode(node, decoder: decoder))] }
        // Fold nodes whose inputs are all known at compile time.
        let present = inputs.compactMap { $0 }
        if !present.isEmpty, present.allSatisfy({ if case .folded = $0 { return true }; return false }),
           let folded = try fold(node, inputs.map { if case .folded(let t)? = $0 { return t }; return nil }) {
            return folded.map { .folded($0) }
        }
        if node.opType == "Shape" { return [.folded(try shapeOf(node, inputs))] }
        return try lowerRuntime(node, inputs)
    }

    /// Operators that may sit in a post-processing tail after a stripped value.
    static let tailOperators: Set<String> = ["Cast", "Reshape", "Identity", "ZipMap", "ArrayFeatureExtractor",
                                             "Squeeze", "Unsqueeze", "Flatten", "LabelEncoder", "CastMap"]

    func constantNode(_ node: ONNXNode, decoder: TensorDecoder) throws(NodeIssue) -> FoldedTensor {
        if let proto = try node.tensor("value") {
            do { return try decoder.decode(proto, name: node.outputs.first ?? node.name) } catch { throw .fatal(error) }
        }
        if let value = try node.float("value_float") { return FoldedTensor(Tensor(shape: [], scalars: [value])) }
        if let values = try node.floats("value_floats") { return FoldedTensor(Tensor(shape: [values.count], scalars: values)) }
        if let value = try node.int("value_int") { return FoldedTensor(ints: [value], shape: []) }
        if let values = try node.ints("value_ints") { return FoldedTensor(ints: values) }
        throw .unsupported("Constant without a numeric value (sparse or string values are not supported)")
    }

    /// `Shape` of a run-time value: known dimensions, with the batch symbolic.
    func shapeOf(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> FoldedTensor {
        let (_, type) = try runtimeInput(inputs, 0, node)
        var scalars: [FoldedTensor.Scalar] = []
        for (axis, dim) in type.dimensions.enumerated() {
            if let dim { scalars.append(.number(Double(dim))) } else if axis == 0 { scalars.append(.batch(factor: 1)) } else {
                throw .unsupported("shape of a value with an unknown dimension")
            }
        }
        let rank = scalars.count
        var start = try node.int("start", default: 0)
        var end = try node.int("end") ?? rank
        if start < 0 { start += rank }
        if end < 0 { end += rank }
        start = min(max(start, 0), rank)
        end = min(max(end, start), rank)
        let slice = Array(scalars[start..<end])
        return FoldedTensor(shape: [slice.count], scalars: slice, isInteger: true, elementType: .i64)
    }

    // MARK: - Operand helpers

    func runtimeInput(_ inputs: [ImportedValue?], _ position: Int, _ node: ONNXNode) throws(NodeIssue) -> (String, TensorType) {
        guard position < inputs.count, let input = inputs[position] else {
            throw .fatal(.unsupportedConfiguration(node: node.name, opType: node.opType, reason: "input \(position) is missing"))
        }
        switch input {
        case .value(let name, let type): return (name, type)
        case .folded: throw .unsupported("input \(position) is a constant where a run-time value is expected")
        default: throw .unsupported("input \(position) is not available")
        }
    }

    func foldedInput(_ inputs: [ImportedValue?], _ position: Int, _ node: ONNXNode, _ what: String) throws(NodeIssue) -> FoldedTensor {
        guard position < inputs.count, let input = inputs[position] else {
            throw .fatal(.unsupportedConfiguration(node: node.name, opType: node.opType, reason: "\(what) (input \(position)) is missing"))
        }
        guard case .folded(let tensor) = input else {
            throw .unsupported("\(what) must be a constant (initializer), not a run-time value")
        }
        return tensor
    }

    func optionalFolded(_ inputs: [ImportedValue?], _ position: Int, _ node: ONNXNode, _ what: String) throws(NodeIssue) -> FoldedTensor? {
        guard position < inputs.count, inputs[position] != nil else { return nil }
        return try foldedInput(inputs, position, node, what)
    }

    func numericTensor(_ folded: FoldedTensor, _ what: String) throws(NodeIssue) -> Tensor {
        guard var tensor = folded.tensor else { throw .unsupported("\(what) depends on the run-time batch size") }
        if tensor.elementType == .i64 { tensor.elementType = .f32 }
        return tensor
    }

    /// The ONNX name of input `position`, used to name derived constants.
    func inputName(_ node: ONNXNode, _ position: Int) -> String {
        position < node.inputs.count ? node.inputs[position] : node.name
    }

    static func isScalarLike(_ shape: [Int]) -> Bool { shape.allSatisfy { $0 == 1 } }
}
