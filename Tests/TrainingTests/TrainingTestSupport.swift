import HepexcIR
@testable import HepexcTraining

/// Builds small graphs with random weights for the training tests.
struct TestGraphBuilder {
    var graph = Graph(name: "test")
    var generator: SplitMix64
    private var counter = 0

    init(input shape: [Int], seed: UInt64 = 1) {
        generator = SplitMix64(seed: seed)
        graph.inputs = [GraphInput(name: "input", type: TensorType([nil] + shape.map { Optional($0) }))]
    }

    var inputOperand: Operand { .value("input") }

    /// A constant of uniform values in [offset − scale, offset + scale).
    mutating func constant(_ name: String, _ shape: [Int], scale: Double = 0.5, offset: Double = 0) -> Operand {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { _ in offset + Double(generator.uniform(Float(scale))) }
        graph.constants[name] = Constant(Tensor(shape: shape, scalars: values))
        return .constant(name)
    }

    /// Appends an operation, inferring its type.
    @discardableResult
    mutating func op(_ kind: OpKind, _ operands: [Operand], _ attributes: Attributes = [:]) throws -> Operand {
        let types = graph.valueTypes
        let operandTypes = operands.map { operand -> TensorType in
            switch operand {
            case .value(let name): return types[name] ?? TensorType([nil])
            case .constant(let name): return graph.constants[name]?.type ?? TensorType([nil])
            }
        }
        let name = "v\(counter)"
        counter += 1
        let type = try ShapeInference.resultType(of: kind, result: name, operands: operandTypes, attributes: attributes)
        graph.operations.append(Operation(result: name, kind: kind, operands: operands, attributes: attributes, type: type))
        graph.outputs = [name]
        return .value(name)
    }

    /// Random inputs `[batch, …]` as a tensor.
    mutating func inputs(batch: Int) -> Tensor {
        let shape = [batch] + (graph.inputs[0].type.dimensions.dropFirst().compactMap { $0 })
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in Double(Float(generator.uniform(1))) })
    }
}

extension TrainingTensor {
    init(_ tensor: Tensor) {
        self.init(shape: tensor.shape, values: tensor.scalars.map { Float($0) })
    }
}
