internal import HepexcIR

extension ONNXGraphBuilder {
    /// ONNX activation operators that become `activation {fn}`.
    static let activationOperators: Set<String> = [
        "Erf", "Gelu", "Softplus", "Softsign", "Elu", "Selu", "Celu", "LeakyRelu", "HardSigmoid", "HardSwish",
        "Mish", "Clip", "Pad",
    ]

    /// Lowers the operators of ``activationOperators``.
    func lowerActivation(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, _) = try runtimeInput(inputs, 0, node)
        var attributes: Attributes = [:]
        let function: ActivationFunction
        switch node.opType {
        case "Erf": function = .erf
        case "Softplus": function = .softplus
        case "Softsign": function = .softsign
        case "HardSwish": function = .hardSwish
        case "Mish": function = .mish
        case "Gelu":
            switch try node.string("approximate") ?? "none" {
            case "none": function = .gelu
            case "tanh": function = .geluTanh
            case let other: throw .unsupported("approximate = '\(other)' (only 'none' or 'tanh')")
            }
        case "Elu", "Celu":
            function = node.opType == "Elu" ? .elu : .celu
            attributes["alpha"] = .float(try node.float("alpha", default: 1))
        case "LeakyRelu":
            function = .leakyRelu
            attributes["alpha"] = .float(try node.float("alpha", default: 0.01))
        case "Selu":
            function = .selu
            attributes["alpha"] = .float(try node.float("alpha", default: ActivationFunction.selu.defaultAlpha))
            attributes["beta"] = .float(try node.float("gamma", default: ActivationFunction.selu.defaultBeta))
        case "HardSigmoid":
            function = .hardSigmoid
            attributes["alpha"] = .float(try node.float("alpha", default: 0.2))
            attributes["beta"] = .float(try node.float("beta", default: 0.5))
        case "Clip": return try clip(node, inputs, x)
        default: return try pad(node, inputs, x)
        }
        attributes["fn"] = .string(function.rawValue)
        return try emit(.activation, [.value(x)], attributes: attributes, node: node)
    }

    /// `Clip(x, min?, max?)`: bounds are inputs from opset 11 on, attributes
    /// before. `Clip(x, 0)` is `relu`, `Clip(x, 0, 6)` is `relu6`.
    private func clip(_ node: ONNXNode, _ inputs: [ImportedValue?], _ x: String) throws(NodeIssue) -> ImportedValue {
        func bound(_ position: Int, _ key: String) throws(NodeIssue) -> Double? {
            if opset < 11 { return try node.float(key) }
            guard let folded = try optionalFolded(inputs, position, node, key) else { return nil }
            guard let value = folded.singleNumber, !value.isNaN else {
                throw .unsupported("\(key) must be a scalar constant")
            }
            return value
        }
        let low = try bound(1, "min"), high = try bound(2, "max")
        if let low, let high, low > high {
            throw .fatal(.unsupportedConfiguration(node: node.name, opType: node.opType, reason: "min \(low) is above max \(high)"))
        }
        switch (low, high) {
        case (nil, nil): return try passThrough(inputs, node)
        case (0?, nil): return try emit(.relu, [.value(x)], node: node)
        case (0?, 6?): return try emit(.activation, [.value(x)], attributes: ["fn": .string(ActivationFunction.relu6.rawValue)], node: node)
        default:
            var attributes: Attributes = ["fn": .string(ActivationFunction.clip.rawValue)]
            if let low { attributes["alpha"] = .float(low) }
            if let high { attributes["beta"] = .float(high) }
            return try emit(.activation, [.value(x)], attributes: attributes, node: node)
        }
    }

    /// `Pad` with mode `constant` and value 0 on the height and width of an
    /// NCHW value (negative pads crop). Other modes are refused by name.
    private func pad(_ node: ONNXNode, _ inputs: [ImportedValue?], _ x: String) throws(NodeIssue) -> ImportedValue {
        guard case .value(_, let type)? = inputs.first ?? nil else { throw .unsupported("input 0 is not a run-time value") }
        let mode = try node.string("mode") ?? "constant"
        guard mode == "constant" else {
            throw .unsupported("mode '\(mode)' (only constant zero padding; reflect/edge/wrap padding is not affine in the encrypted layout)")
        }
        var pads: [Int]
        if opset < 11 {
            guard let given = try node.ints("pads") else { throw .unsupported("missing `pads`") }
            pads = given
            if let value = try node.float("value"), value != 0 { throw .unsupported("constant value \(value) (only 0)") }
        } else {
            guard let given = try foldedInput(inputs, 1, node, "pads").ints else { throw .unsupported("pads must be integers") }
            pads = given
            if let value = try optionalFolded(inputs, 2, node, "constant_value"), value.singleNumber != 0 {
                throw .unsupported("constant value \(value.singleNumber.map { "\($0)" } ?? "?") (only 0)")
            }
        }
        let rank = type.rank
        if let axesValue = try optionalFolded(inputs, 3, node, "axes") {
            guard let axes = axesValue.ints, pads.count == 2 * axes.count else { throw .unsupported("axes must be integers matching pads") }
            var full = Array(repeating: 0, count: 2 * rank)
            for (index, axis) in axes.enumerated() {
                let resolved = axis < 0 ? axis + rank : axis
                guard (0..<rank).contains(resolved) else { throw .unsupported("axis \(axis) is out of range") }
                full[resolved] = pads[index]
                full[resolved + rank] = pads[index + axes.count]
            }
            pads = full
        }
        guard rank == 4, pads.count == 8 else { throw .unsupported("only 4-D NCHW values are padded (got rank \(rank))") }
        guard pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0 else {
            throw .unsupported("pads \(pads) pad the batch or channel axis (only height and width)")
        }
        let spatial = [pads[2], pads[3], pads[6], pads[7]]
        if spatial == [0, 0, 0, 0] { return .value(x, type) }
        return try emit(.pad, [.value(x)], attributes: ["pads": .ints(spatial)], node: node)
    }
}
