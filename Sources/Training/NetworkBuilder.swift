import HepexcIR

/// Creates the layers and parameters of a ``Network``, sharing one
/// ``Parameter`` per constant.
struct NetworkBuilder {
    let graph: Graph
    let options: Network.Options
    private(set) var parameters: [Parameter] = []
    private var byConstant: [String: Parameter] = [:]
    private var generator: SplitMix64

    init(graph: Graph, options: Network.Options) {
        self.graph = graph
        self.options = options
        self.generator = SplitMix64(seed: options.seed)
    }

    /// How a constant is used, which decides its initialisation.
    enum Role { case weight, bias(fanIn: Int), scale, shift, mean, variance }

    mutating func layer(for operation: Operation) throws(TrainingError) -> any Layer {
        let operands = operation.operands
        switch operation.kind {
        case .dense, .conv2d:
            let weight = try parameter(operands[1], role: .weight, decays: true)
            let fanIn = weight.shape.dropFirst().reduce(1, *)
            let bias = operands.count > 2 ? try parameter(operands[2], role: .bias(fanIn: fanIn)) : nil
            if operation.kind == .dense { return DenseLayer(operation: operation, weight: weight, bias: bias) }
            return Conv2DLayer(operation: operation, weight: weight, bias: bias)
        case .poly:
            let coefficients = (operation.attributes["coeffs"]?.doublesValue ?? [0]).map { Float($0) }
            let trainable = !options.freezePolynomials && coefficients.count >= 3
            let parameter = Parameter(origin: .polynomial(operation.result), shape: [coefficients.count],
                                      values: coefficients, isTrainable: trainable)
            parameters.append(parameter)
            return PolynomialLayer(operation: operation, coefficients: parameter)
        case .relu, .sigmoid, .tanh, .activation:
            return ActivationLayer(operation: operation)
        case .pad:
            return PadLayer(operation: operation)
        case .avgpool2d, .maxpool2d, .globalAvgpool:
            return PoolLayer(operation: operation)
        case .reshape, .transpose:
            return ShapeLayer(operation: operation)
        case .permute:
            return PermuteLayer(operation: operation)
        case .batchnorm:
            return BatchNormLayer(operation: operation,
                                  scale: try parameter(operands[1], role: .scale),
                                  bias: try parameter(operands[2], role: .shift),
                                  mean: try parameter(operands[3], role: .mean, trainable: false),
                                  variance: try parameter(operands[4], role: .variance, trainable: false))
        case .add, .sub, .mul:
            var constants: [TrainingTensor?] = []
            for operand in operands {
                guard case .constant(let name) = operand else { constants.append(nil); continue }
                guard let tensor = graph.constants[name]?.value else {
                    throw .unsupportedGraph("constant @\(Identifier.printable(name)) was elided; load the model with its weights")
                }
                constants.append(TrainingTensor(shape: tensor.shape, values: tensor.scalars.map { Float($0) }))
            }
            return ElementwiseLayer(operation: operation, constants: constants)
        case .softmax:
            return SoftmaxLayer(operation: operation)
        case .argmax:
            throw .unsupportedGraph("argmax (%\(operation.result)) has no gradient; train the model's logits")
        }
    }

    /// The parameter for a constant operand, created (and possibly
    /// initialised) on first use.
    private mutating func parameter(_ operand: Operand, role: Role, trainable: Bool = true,
                                    decays: Bool = false) throws(TrainingError) -> Parameter {
        let name = operand.name
        if let existing = byConstant[name] { return existing }
        guard let constant = graph.constants[name], let shape = constant.type.staticShape else {
            throw .unsupportedGraph("constant @\(Identifier.printable(name)) is missing")
        }
        let count = shape.reduce(1, *)
        var values: [Float]
        if options.initialize {
            values = initialValues(count: count, shape: shape, role: role)
        } else {
            guard let tensor = constant.value else {
                throw .unsupportedGraph("constant @\(Identifier.printable(name)) was elided; pass the weights or train from scratch (--from-scratch)")
            }
            values = tensor.scalars.map { Float($0) }
        }
        let parameter = Parameter(origin: .constant(name), shape: shape, values: values,
                                  isTrainable: trainable, decays: decays)
        if let mask = try WeightMask.elementMask(of: name, in: graph) {
            parameter.mask = mask.map { Float($0) }
        }
        parameters.append(parameter)
        byConstant[name] = parameter
        return parameter
    }

    private mutating func initialValues(count: Int, shape: [Int], role: Role) -> [Float] {
        switch role {
        case .weight:
            let bound = 1 / Float(max(1, shape.dropFirst().reduce(1, *))).squareRoot()
            return (0..<count).map { _ in generator.uniform(bound) }
        case .bias(let fanIn):
            let bound = 1 / Float(max(1, fanIn)).squareRoot()
            return (0..<count).map { _ in generator.uniform(bound) }
        case .scale, .variance: return Array(repeating: 1, count: count)
        case .shift, .mean: return Array(repeating: 0, count: count)
        }
    }
}
