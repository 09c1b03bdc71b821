extension Interpreter {
    /// Evaluates one verified operation on concrete operands.
    static func evaluate(_ operation: Operation, _ operands: [Tensor]) -> Tensor {
        let x = operands[0]
        let attributes = operation.attributes
        let outputType = operation.type.withBatch(x.shape.first)
        let element = outputType.elementType
        switch operation.kind {
        case .dense:
            return Kernels.dense(x, weight: operands[1], bias: operands.count > 2 ? operands[2] : nil, element: element)
        case .conv2d:
            return Kernels.conv2d(x, weight: operands[1], bias: operands.count > 2 ? operands[2] : nil,
                                  strides: attributes["strides"]?.intsValue ?? [1, 1],
                                  pads: attributes["pads"]?.intsValue ?? [0, 0, 0, 0], element: element)
        case .add: return Kernels.broadcast(x, operands[1], element: element, +)
        case .sub: return Kernels.broadcast(x, operands[1], element: element, -)
        case .mul: return Kernels.broadcast(x, operands[1], element: element, *)
        case .poly:
            let coefficients = attributes["coeffs"]?.doublesValue ?? [0]
            return x.mapped(element) { value in
                var result = 0.0
                for coefficient in coefficients.reversed() { result = result * value + coefficient }
                return result
            }
        case .relu: return x.mapped(element) { max(0, $0) }
        case .sigmoid: return x.mapped(element) { 1 / (1 + Kernels.exp(-$0)) }
        case .tanh: return x.mapped(element) { Kernels.tanh($0) }
        case .activation:
            guard let (function, alpha, beta) = ActivationFunction.of(attributes) else { return x }
            return x.mapped(element) { function($0, alpha: alpha, beta: beta) }
        case .pad:
            return Kernels.pad(x, pads: attributes["pads"]?.intsValue ?? [0, 0, 0, 0], element: element)
        case .avgpool2d, .maxpool2d:
            let kernel = attributes["kernel"]?.intsValue ?? [1, 1]
            return Kernels.pool2d(x, isMax: operation.kind == .maxpool2d, kernel: kernel,
                                  strides: attributes["strides"]?.intsValue ?? kernel,
                                  pads: attributes["pads"]?.intsValue ?? [0, 0, 0, 0],
                                  countIncludePad: attributes["count_include_pad"]?.boolValue ?? false,
                                  element: element)
        case .globalAvgpool:
            let shape = x.shape
            return Kernels.pool2d(x, isMax: false, kernel: [shape[2], shape[3]], strides: [1, 1],
                                  pads: [0, 0, 0, 0], countIncludePad: true, element: element)
        case .batchnorm:
            return Kernels.batchNorm(x, scale: operands[1], bias: operands[2], mean: operands[3],
                                     variance: operands[4], epsilon: attributes["epsilon"]?.doubleValue ?? 1e-5,
                                     element: element)
        case .reshape:
            return Tensor(shape: outputType.staticShape ?? x.shape, scalars: x.scalars, elementType: x.elementType)
        case .transpose:
            return Kernels.transpose(x, perm: attributes["perm"]?.intsValue ?? Array(0..<x.rank))
        case .permute:
            return Kernels.permute(x, axis: attributes["axis"]?.intValue ?? x.rank - 1, perm: attributes["perm"]?.intsValue ?? [])
        case .softmax:
            return Kernels.softmax(x, axis: attributes["axis"]?.intValue ?? x.rank - 1, element: element)
        case .argmax:
            return Kernels.argmax(x, axis: attributes["axis"]?.intValue ?? x.rank - 1,
                                  keepDims: attributes["keepdims"]?.boolValue ?? false)
        }
    }
}

extension Tensor {
    /// Applies `transform` to every scalar. The interpreter keeps full
    /// `Double` precision throughout; `element` is only the declared type.
    func mapped(_ element: ElementType, _ transform: (Double) -> Double) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(transform), elementType: element)
    }
}
