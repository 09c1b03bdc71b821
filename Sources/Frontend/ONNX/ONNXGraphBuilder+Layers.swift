internal import HepexcIR

extension ONNXGraphBuilder {
    /// Lowers a node that reads at least one run-time value.
    func lowerRuntime(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> [ImportedValue] {
        switch node.opType {
        case "Gemm": return [try gemm(node, inputs)]
        case "MatMul": return [try matMul(node, inputs)]
        case "Conv": return [try conv(node, inputs)]
        case "AveragePool", "MaxPool": return [try pool(node, inputs)]
        case "GlobalAveragePool":
            let (x, _) = try runtimeInput(inputs, 0, node)
            return [try emit(.globalAvgpool, [.value(x)], node: node)]
        case "BatchNormalization": return [try batchNorm(node, inputs)]
        case "Add", "Sub", "Mul", "Div": return [try binary(node, inputs)]
        case "Pow": return [try pow(node, inputs)]
        case "Neg":
            let (x, _) = try runtimeInput(inputs, 0, node)
            return [try emit(.poly, [.value(x)], attributes: ["coeffs": .floats([0, -1])], node: node)]
        case "Relu", "Sigmoid", "Tanh":
            let (x, _) = try runtimeInput(inputs, 0, node)
            let kind: OpKind = node.opType == "Relu" ? .relu : node.opType == "Sigmoid" ? .sigmoid : .tanh
            return [try emit(kind, [.value(x)], node: node)]
        case let opType where Self.activationOperators.contains(opType): return [try lowerActivation(node, inputs)]
        case "Identity": return [try passThrough(inputs, node)]
        case "Dropout":
            if opset >= 12, inputs.count > 2, case .folded(let training)? = inputs[2], training.singleNumber == 1 {
                throw .unsupported("training_mode = true")
            }
            return [try passThrough(inputs, node)]
        case "Cast": return [try castRuntime(node, inputs)]
        case "Flatten": return [try flatten(node, inputs)]
        case "Reshape": return [try reshape(node, inputs)]
        case "Squeeze", "Unsqueeze": return [try squeezeOrUnsqueeze(node, inputs)]
        case "Transpose": return [try transpose(node, inputs)]
        case "Gather": return [try gather(node, inputs)]
        case "Softmax": return [try softmax(node, inputs)]
        case "ArgMax": return [try argMax(node, inputs)]
        case "ZipMap":
            // Map-of-probabilities output: kept as the probability tensor.
            notes.append("ZipMap node '\(node.name)' imported as its probability tensor")
            return [try passThrough(inputs, node)]
        case "ArrayFeatureExtractor": return [try arrayFeatureExtractor(node, inputs)]
        case "LinearClassifier": return try linearClassifier(node, inputs)
        case "Normalizer": return [try normalizer(node, inputs)]
        default:
            throw .unsupported(Self.constantOnlyOperators.contains(node.opType) ? "supported only on constants (shape computations)" : nil)
        }
    }

    /// Operators with a lowering for run-time values.
    static let knownOperators: Set<String> = Set([
        "Gemm", "MatMul", "Conv", "AveragePool", "MaxPool", "GlobalAveragePool", "BatchNormalization",
        "Add", "Sub", "Mul", "Div", "Pow", "Neg", "Relu", "Sigmoid", "Tanh", "Identity", "Dropout", "Cast",
        "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Softmax", "ArgMax", "ZipMap",
        "ArrayFeatureExtractor", "LinearClassifier", "Normalizer", "Constant", "Shape", "Gather",
    ]).union(activationOperators)

    /// Operators we fold when their inputs are constant but cannot run on data.
    static let constantOnlyOperators: Set<String> = [
        "Concat", "Slice", "ConstantOfShape", "Sqrt", "Reciprocal", "Abs", "Exp", "Log", "Floor", "Ceil",
    ]

    func passThrough(_ inputs: [ImportedValue?], _ node: ONNXNode) throws(NodeIssue) -> ImportedValue {
        guard let first = inputs.first, let value = first else {
            throw .fatal(.unsupportedConfiguration(node: node.name, opType: node.opType, reason: "input 0 is missing"))
        }
        return value
    }

    func gemm(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, _) = try runtimeInput(inputs, 0, node)
        guard try node.int("transA", default: 0) == 0 else { throw .unsupported("transA = 1 (the batch must stay the leading axis)") }
        let alpha = try node.float("alpha", default: 1), beta = try node.float("beta", default: 1)
        var weight = try numericTensor(try foldedInput(inputs, 1, node, "B (weights)"), "weights")
        guard weight.rank == 2 else {
            throw .fatal(.shapeMismatch(node: node.name, reason: "Gemm weight must be a matrix, got shape \(weight.shape)"))
        }
        if try node.int("transB", default: 0) == 0 { weight = weight.transposed([1, 0]) }
        if alpha != 1 { weight.scalars = weight.scalars.map { $0 * alpha } }
        var operands: [Operand] = [.value(x), constant(weight, preferredName: inputName(node, 1))]
        if let c = try optionalFolded(inputs, 2, node, "C (bias)"), beta != 0 {
            var bias = try numericTensor(c, "bias")
            let outFeatures = weight.shape[0]
            guard bias.count == outFeatures || bias.count == 1 else {
                throw .fatal(.shapeMismatch(node: node.name, reason: "bias of shape \(bias.shape) does not match \(outFeatures) outputs"))
            }
            let values = bias.count == 1 ? Array(repeating: bias.scalars[0], count: outFeatures) : bias.scalars
            bias = Tensor(shape: [outFeatures], scalars: values.map { $0 * beta }, elementType: bias.elementType)
            operands.append(constant(bias, preferredName: inputName(node, 2)))
        }
        return try emit(.dense, operands, node: node)
    }

    func matMul(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        guard case .value? = inputs.first ?? nil else {
            throw .unsupported("constant × run-time MatMul (the run-time operand must come first)")
        }
        let (x, xType) = try runtimeInput(inputs, 0, node)
        guard xType.rank == 2 else { throw .unsupported("MatMul on a rank-\(xType.rank) input (only [batch, features])") }
        let weight = try numericTensor(try foldedInput(inputs, 1, node, "B (weights)"), "weights")
        guard weight.rank == 2 else {
            throw .fatal(.shapeMismatch(node: node.name, reason: "MatMul weight must be a matrix, got shape \(weight.shape)"))
        }
        return try emit(.dense, [.value(x), constant(weight.transposed([1, 0]), preferredName: inputName(node, 1))], node: node)
    }

    func conv(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, xType) = try runtimeInput(inputs, 0, node)
        let weight = try numericTensor(try foldedInput(inputs, 1, node, "W (weights)"), "weights")
        guard weight.rank == 4, xType.rank == 4 else { throw .unsupported("only 2-D convolutions are supported (got weight rank \(weight.rank))") }
        guard try node.int("group", default: 1) == 1 else { throw .unsupported("group = \(try node.int("group", default: 1)) (only group = 1)") }
        if let dilations = try node.ints("dilations"), dilations.contains(where: { $0 != 1 }) {
            throw .unsupported("dilations = \(dilations) (only 1)")
        }
        if let kernel = try node.ints("kernel_shape"), kernel != Array(weight.shape[2...]) {
            throw .fatal(.shapeMismatch(node: node.name, reason: "kernel_shape \(kernel) disagrees with weight shape \(weight.shape)"))
        }
        let strides = try node.ints("strides") ?? [1, 1]
        let pads = try padding(node, input: xType, kernel: Array(weight.shape[2...]), strides: strides)
        var operands: [Operand] = [.value(x), constant(weight, preferredName: inputName(node, 1))]
        if let b = try optionalFolded(inputs, 2, node, "B (bias)") {
            operands.append(constant(try numericTensor(b, "bias"), preferredName: inputName(node, 2)))
        }
        var attributes: Attributes = ["strides": .ints(strides)]
        if pads != [0, 0, 0, 0] { attributes["pads"] = .ints(pads) }
        return try emit(.conv2d, operands, attributes: attributes, node: node)
    }

    func pool(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, xType) = try runtimeInput(inputs, 0, node)
        guard let kernel = try node.ints("kernel_shape"), kernel.count == 2, xType.rank == 4 else {
            throw .unsupported("only 2-D pooling with kernel_shape is supported")
        }
        if let dilations = try node.ints("dilations"), dilations.contains(where: { $0 != 1 }) {
            throw .unsupported("dilations = \(dilations)")
        }
        let strides = try node.ints("strides") ?? [1, 1]
        let pads = try padding(node, input: xType, kernel: kernel, strides: strides)
        if try node.int("ceil_mode", default: 0) == 1 {
            // ceil_mode only matters when the last window is partial.
            for axis in 0..<2 {
                if let size = xType.dimensions[axis + 2], (size + pads[axis] + pads[axis + 2] - kernel[axis]) % strides[axis] != 0 {
                    throw .unsupported("ceil_mode = 1 with a partial last window")
                }
            }
        }
        var attributes: Attributes = ["kernel": .ints(kernel), "strides": .ints(strides)]
        if pads != [0, 0, 0, 0] { attributes["pads"] = .ints(pads) }
        if node.opType == "AveragePool" {
            if try node.int("count_include_pad", default: 0) == 1 && pads != [0, 0, 0, 0] {
                attributes["count_include_pad"] = .bool(true)
            }
            return try emit(.avgpool2d, [.value(x)], attributes: attributes, node: node)
        }
        return try emit(.maxpool2d, [.value(x)], attributes: attributes, node: node)
    }

    /// Explicit [top, left, bottom, right] padding from `pads` or `auto_pad`.
    func padding(_ node: ONNXNode, input: TensorType, kernel: [Int], strides: [Int]) throws(NodeIssue) -> [Int] {
        guard strides.count == 2, strides.allSatisfy({ $0 > 0 }) else { throw .unsupported("strides \(strides)") }
        let autoPad = try node.string("auto_pad") ?? "NOTSET"
        switch autoPad {
        case "NOTSET", "":
            let pads = try node.ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else { throw .unsupported("pads \(pads)") }
            return pads
        case "VALID": return [0, 0, 0, 0]
        case "SAME_UPPER", "SAME_LOWER":
            var pads = [0, 0, 0, 0]
            for axis in 0..<2 {
                guard let size = input.dimensions[axis + 2] else { throw .unsupported("auto_pad on an unknown size") }
                let out = (size + strides[axis] - 1) / strides[axis]
                let total = max(0, (out - 1) * strides[axis] + kernel[axis] - size)
                let small = total / 2, large = total - small
                pads[axis] = autoPad == "SAME_UPPER" ? small : large
                pads[axis + 2] = autoPad == "SAME_UPPER" ? large : small
            }
            return pads
        default:
            throw .unsupported("auto_pad = \(autoPad)")
        }
    }

    func batchNorm(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, _) = try runtimeInput(inputs, 0, node)
        if try node.int("training_mode", default: 0) == 1 { throw .unsupported("training_mode = 1") }
        var operands: [Operand] = [.value(x)]
        for (position, what) in [(1, "scale"), (2, "B"), (3, "mean"), (4, "var")] {
            let tensor = try numericTensor(try foldedInput(inputs, position, node, what), what)
            if position == 4, let index = tensor.scalars.firstIndex(where: { $0 < 0 }) {
                throw .fatal(.invalidTensor(name: inputName(node, 4), reason: "variance \(tensor.scalars[index]) at index \(index) is negative"))
            }
            operands.append(constant(tensor.reshaped([tensor.count]), preferredName: inputName(node, position)))
        }
        return try emit(.batchnorm, operands, attributes: ["epsilon": .float(try node.float("epsilon", default: 1e-5))], node: node)
    }
}
