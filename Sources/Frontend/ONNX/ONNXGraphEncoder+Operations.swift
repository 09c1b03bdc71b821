internal import HepexcIR
internal import ONNXProto

extension ONNXGraphEncoder {
    /// Appends the node(s) computing `operation`; the last one writes the
    /// operation's result name.
    func encode(_ operation: Operation) throws(FrontendError) {
        var inputs: [String] = []
        for operand in operation.operands {
            switch operand {
            case .value(let name): inputs.append(name)
            case .constant(let name):
                guard let onnxName = constantNames[name] else {
                    throw .cannotExport(reason: "constant @\(Identifier.printable(name)) has no value")
                }
                inputs.append(onnxName)
            }
        }
        let result = operation.result
        let attributes = operation.attributes
        func ints(_ key: String, _ fallback: [Int]) -> [Int] { attributes[key]?.intsValue ?? fallback }

        switch operation.kind {
        case .dense:
            proto.node.append(node("Gemm", inputs, result, [Self.attribute("transB", int: 1)]))
        case .conv2d:
            let kernel = graph.constants[operation.operands[1].name]?.type.staticShape.map { Array($0.dropFirst(2)) } ?? []
            proto.node.append(node("Conv", inputs, result, [
                Self.attribute("kernel_shape", ints: kernel),
                Self.attribute("strides", ints: ints("strides", [1, 1])),
                Self.attribute("pads", ints: ints("pads", [0, 0, 0, 0])),
            ]))
        case .add: proto.node.append(node("Add", inputs, result))
        case .sub: proto.node.append(node("Sub", inputs, result))
        case .mul: proto.node.append(node("Mul", inputs, result))
        case .relu: proto.node.append(node("Relu", inputs, result))
        case .sigmoid: proto.node.append(node("Sigmoid", inputs, result))
        case .tanh: proto.node.append(node("Tanh", inputs, result))
        case .activation: try activation(inputs[0], operation)
        case .pad:
            let pads = ints("pads", [0, 0, 0, 0])
            let onnxPads = [0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]]
            let padsName = addInitializer(Tensor(shape: [8], scalars: onnxPads.map(Double.init), elementType: .i64),
                                          base: "\(result)_pads")
            proto.node.append(node("Pad", [inputs[0], padsName], result))
        case .poly:
            try polynomial(inputs[0], coefficients: attributes["coeffs"]?.doublesValue ?? [], operation)
        case .avgpool2d, .maxpool2d:
            let kernel = ints("kernel", [1, 1])
            var list = [
                Self.attribute("kernel_shape", ints: kernel),
                Self.attribute("strides", ints: ints("strides", kernel)),
                Self.attribute("pads", ints: ints("pads", [0, 0, 0, 0])),
            ]
            if operation.kind == .avgpool2d {
                list.append(Self.attribute("count_include_pad", int: attributes["count_include_pad"]?.boolValue == true ? 1 : 0))
            }
            proto.node.append(node(operation.kind == .avgpool2d ? "AveragePool" : "MaxPool", inputs, result, list))
        case .globalAvgpool:
            proto.node.append(node("GlobalAveragePool", inputs, result))
        case .batchnorm:
            proto.node.append(node("BatchNormalization", inputs, result,
                                   [Self.attribute("epsilon", float: attributes["epsilon"]?.doubleValue ?? 1e-5)]))
        case .reshape:
            // A leading 0 copies the (dynamic) batch dimension.
            let shape = [0] + ints("shape", [])
            let shapeName = addInitializer(Tensor(shape: [shape.count], scalars: shape.map(Double.init), elementType: .i64),
                                           base: "\(result)_shape")
            proto.node.append(node("Reshape", [inputs[0], shapeName], result))
        case .transpose:
            proto.node.append(node("Transpose", inputs, result, [Self.attribute("perm", ints: ints("perm", []))]))
        case .permute:
            // Gather with a constant index vector on the permuted axis.
            let perm = ints("perm", [])
            let indices = addInitializer(Tensor(shape: [perm.count], scalars: perm.map(Double.init), elementType: .i64),
                                         base: "\(result)_perm")
            let axis = attributes["axis"]?.intValue ?? (operation.type.rank - 1)
            proto.node.append(node("Gather", [inputs[0], indices], result, [Self.attribute("axis", int: axis)]))
        case .softmax:
            let axis = attributes["axis"]?.intValue ?? (operation.type.rank - 1)
            proto.node.append(node("Softmax", inputs, result, [Self.attribute("axis", int: axis)]))
        case .argmax:
            let rank = valueTypes[inputs[0]]?.rank ?? operation.type.rank
            let axis = attributes["axis"]?.intValue ?? (rank - 1)
            proto.node.append(node("ArgMax", inputs, result, [
                Self.attribute("axis", int: axis),
                Self.attribute("keepdims", int: attributes["keepdims"]?.boolValue == true ? 1 : 0),
            ]))
        }
    }

    /// An `activation {fn}` as its ONNX operator (opset 17); GELU as the
    /// decomposition x·(1 + erf(x/√2))·0.5 PyTorch exports.
    private func activation(_ x: String, _ operation: Operation) throws(FrontendError) {
        let result = operation.result
        guard let (function, alpha, beta) = ActivationFunction.of(operation.attributes) else {
            throw .cannotExport(reason: "activation %\(result) names no known function")
        }
        let element = operation.type.elementType
        func scalar(_ value: Double, _ label: String) -> String {
            addInitializer(Tensor(shape: [], scalars: [element.rounded(value)], elementType: element), base: "\(result)_\(label)")
        }
        switch function {
        case .erf: proto.node.append(node("Erf", [x], result))
        case .softplus: proto.node.append(node("Softplus", [x], result))
        case .softsign: proto.node.append(node("Softsign", [x], result))
        case .exponential: proto.node.append(node("Exp", [x], result))
        case .hardSwish: proto.node.append(node("HardSwish", [x], result))
        case .elu: proto.node.append(node("Elu", [x], result, [Self.attribute("alpha", float: alpha)]))
        case .celu: proto.node.append(node("Celu", [x], result, [Self.attribute("alpha", float: alpha)]))
        case .leakyRelu: proto.node.append(node("LeakyRelu", [x], result, [Self.attribute("alpha", float: alpha)]))
        case .selu:
            proto.node.append(node("Selu", [x], result, [Self.attribute("alpha", float: alpha), Self.attribute("gamma", float: beta)]))
        case .hardSigmoid:
            proto.node.append(node("HardSigmoid", [x], result, [Self.attribute("alpha", float: alpha), Self.attribute("beta", float: beta)]))
        case .clip, .relu6:
            let (low, high) = function == .relu6 ? (0.0, 6.0) : (alpha, beta)
            let bounds = [low.isFinite ? scalar(low, "min") : "", high.isFinite ? scalar(high, "max") : ""]
            proto.node.append(node("Clip", [x] + (bounds[1].isEmpty ? (bounds[0].isEmpty ? [] : [bounds[0]]) : bounds), result))
        case .gelu:
            let scaled = unique("\(result)_div"), erf = unique("\(result)_erf"), shifted = unique("\(result)_add"), product = unique("\(result)_mul")
            proto.node.append(node("Div", [x, scalar(2.0.squareRoot(), "sqrt2")], scaled))
            proto.node.append(node("Erf", [scaled], erf))
            proto.node.append(node("Add", [erf, scalar(1, "one")], shifted))
            proto.node.append(node("Mul", [x, shifted], product))
            proto.node.append(node("Mul", [product, scalar(0.5, "half")], result))
        default:
            throw .cannotExport(reason: "activation '\(function.rawValue)' (%\(result)) has no ONNX opset-17 operator")
        }
    }

    /// Σ cᵢ·xⁱ by Horner's rule: ((c_n·x + c_{n−1})·x + …)·x + c₀, skipping
    /// multiplications by 1 and additions of 0 (x² is one Mul).
    private func polynomial(_ x: String, coefficients: [Double], _ operation: Operation) throws(FrontendError) {
        let result = operation.result
        let element = operation.type.elementType
        var coefficients = coefficients
        while coefficients.count > 1, coefficients.last == 0 { coefficients.removeLast() }
        guard let leading = coefficients.last else { throw .cannotExport(reason: "poly %\(result) has no coefficients") }
        func scalar(_ value: Double, _ label: String) -> String {
            addInitializer(Tensor(shape: [], scalars: [element.rounded(value)], elementType: element), base: "\(result)_\(label)")
        }
        // Each step: (opType, second operand); the chain starts at x.
        var steps: [(String, String)] = []
        let degree = coefficients.count - 1
        if degree == 0 {
            steps = [("Mul", scalar(0, "zero")), ("Add", scalar(leading, "c0"))]
        } else {
            if leading != 1 { steps.append(("Mul", scalar(leading, "c\(degree)"))) }
            for power in stride(from: degree - 1, through: 1, by: -1) {
                if coefficients[power] != 0 { steps.append(("Add", scalar(coefficients[power], "c\(power)"))) }
                steps.append(("Mul", x))
            }
            if coefficients[0] != 0 { steps.append(("Add", scalar(coefficients[0], "c0"))) }
        }
        guard !steps.isEmpty else {
            proto.node.append(node("Identity", [x], result))
            return
        }
        var current = x
        for (index, step) in steps.enumerated() {
            let output = index == steps.count - 1 ? result : unique("\(result)_horner\(index)")
            proto.node.append(node(step.0, [current, step.1], output))
            current = output
        }
    }
}
