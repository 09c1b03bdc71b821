public import HepexcIR

/// `fold-bn`: folds an inference-mode `batchnorm` into the `conv2d` or
/// `dense` that feeds it: with f = scale/√(var+ε), W′ = f·W (per output
/// channel) and b′ = f·(b − mean) + bias.
///
/// A batch norm whose input has other readers, or that follows anything
/// else, is left alone unless `strict=true`, which makes that an error.
public struct FoldBatchNormPass: Pass {
    public static let name = "fold-bn"
    public static let summary = "fold batchnorm into the preceding conv2d/dense"
    public static let optionHelp = [(key: "strict", help: "fail when a batchnorm cannot be folded (default false)")]

    public var strict = false

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        if let text = options["strict"] {
            guard let value = Bool(text) else {
                throw .invalidOption(pass: Self.name, option: "strict", reason: "'\(text)' is not true or false")
            }
            strict = value
        }
    }

    public init(strict: Bool = false) { self.strict = strict }

    public var options: [String: String] { strict ? ["strict": "true"] : [:] }

    public func run(on graph: inout Graph) throws(PassError) {
        let users = graph.users
        let producers = graph.producerIndices
        var fused = Set<Int>()
        for index in graph.operations.indices where graph.operations[index].kind == .batchnorm {
            let norm = graph.operations[index]
            guard case .value(let source) = norm.operands[0],
                  let producerIndex = graph.soleLinearProducer(of: source, producers: producers, users: users),
                  !fused.contains(producerIndex) else {
                if strict {
                    throw .failed(pass: Self.name, position: 0,
                                  reason: "batchnorm %\(norm.result) does not directly follow a conv2d/dense with no other reader")
                }
                continue
            }
            var producer = graph.operations[producerIndex]
            let parameters = norm.operands[1...].compactMap { operand -> Tensor? in
                if case .constant(let name) = operand { return graph.constants[name]?.value }
                return nil
            }
            guard parameters.count == 4, case .constant(let weightName) = producer.operands[1],
                  var weight = graph.constants[weightName]?.value else {
                throw .failed(pass: Self.name, position: 0, reason: "batchnorm %\(norm.result) has elided parameters; fold needs the weights")
            }
            let (scale, shift, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
            let epsilon = norm.attributes["epsilon"]?.doubleValue ?? 1e-5
            let channels = weight.shape[0]
            let factors = (0..<channels).map { scale.scalars[$0] / (variance.scalars[$0] + epsilon).squareRoot() }
            let perChannel = weight.count / channels
            for c in 0..<channels {
                for k in 0..<perChannel { weight.scalars[c * perChannel + k] *= factors[c] }
            }
            var oldBias = Array(repeating: 0.0, count: channels)
            if let biasName = producer.biasName {
                guard let bias = graph.constants[biasName]?.value else {
                    throw .failed(pass: Self.name, position: 0, reason: "bias @\(biasName) is elided; fold needs the weights")
                }
                oldBias = bias.scalars
            }
            let newBias = (0..<channels).map { factors[$0] * (oldBias[$0] - mean.scalars[$0]) + shift.scalars[$0] }
            let weightOut = graph.constantName(reusing: weightName, suffix: "bn")
            // Keep the weight's attributes (a pruning mask stays valid: rows are only scaled).
            graph.constants[weightOut] = Constant(weight, attributes: graph.constants[weightName]?.attributes ?? [:])
            let biasOut = graph.constantName(reusing: producer.biasName ?? weightName + ".bias", suffix: "bn")
            graph.constants[biasOut] = Constant(Tensor(shape: [channels], scalars: newBias, elementType: weight.elementType))
            producer.operands[1] = .constant(weightOut)
            producer.setBias(biasOut)
            producer.result = norm.result
            graph.operations[index] = producer
            fused.insert(producerIndex)
        }
        graph.finishFusion(removing: fused)
    }
}
