public import HepexcIR

extension Graph {
    /// The value a classification loss should read: the first output, or the
    /// input of a trailing `softmax`/`argmax` (the loss applies its own softmax).
    public var logitsValue: String {
        var value = outputs[0]
        while let operation = definingOperation(of: value), operation.kind == .softmax || operation.kind == .argmax,
              let input = operation.valueOperands.first {
            value = input
        }
        return value
    }

    /// Least-squares degree-2 fit of ReLU on [−4, 4]: 3/8 + x/2 + 15/128·x².
    public static let reluPoly2Coefficients = [0.375, 0.5, 0.1171875]

    /// Replaces every `relu` by a trainable `poly` of degree 2 initialised
    /// with ``reluPoly2Coefficients``.
    /// - Returns: how many operations were replaced.
    @discardableResult
    public mutating func replaceReLUWithPoly2() -> Int {
        var replaced = 0
        for index in operations.indices where operations[index].kind == .relu {
            operations[index].kind = .poly
            operations[index].attributes = ["coeffs": .floats(Graph.reluPoly2Coefficients)]
            replaced += 1
        }
        return replaced
    }

    /// Prepends a fixed affine map x ↦ (x − mean)/std on the graph input, as a
    /// degree-1 `poly`, so the trained model normalises its own inputs.
    public mutating func prependNormalization(mean: Double, standardDeviation: Double) {
        guard let input = inputs.first else { return }
        var name = input.name + ".normalized"
        while valueTypes[name] != nil { name += "_" }
        let scale = 1 / standardDeviation
        let operation = Operation(result: name, kind: .poly, operands: [.value(input.name)],
                                  attributes: ["coeffs": .floats([-mean * scale, scale])],
                                  type: TensorType(input.type.dimensions, input.type.elementType == .i64 ? .f32 : input.type.elementType))
        for index in operations.indices {
            operations[index].operands = operations[index].operands.map {
                $0 == .value(input.name) ? .value(name) : $0
            }
        }
        outputs = outputs.map { $0 == input.name ? name : $0 }
        operations.insert(operation, at: 0)
    }
}
