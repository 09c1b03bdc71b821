/// The float reference interpreter: evaluates a graph on concrete inputs in
/// `Double` precision.
///
/// It is the ground truth the compiler's transformations and the encrypted
/// executor are checked against, so it favours clarity over speed; the
/// arithmetic kernels live in `Interpreter+Kernels.swift`.
public struct Interpreter: Sendable {
    public let graph: Graph
    private let weights: [String: Tensor]
    /// For each operation, the values whose last reader it is (freed after it).
    private let releasedAfter: [[String]]

    /// Prepares `graph` for evaluation.
    /// - Throws: `IRError` if the graph does not verify or has elided weights.
    public init(_ graph: Graph) throws(IRError) {
        try graph.verify()
        var weights: [String: Tensor] = [:]
        for (name, constant) in graph.constants {
            guard let value = constant.value else {
                throw .evaluation("constant @\(Identifier.printable(name)) was elided; re-export the IR with its weights (`--weights`) to evaluate it")
            }
            weights[name] = value
        }
        self.graph = graph
        self.weights = weights
        var lastUse: [String: Int] = [:]
        for (index, operation) in graph.operations.enumerated() {
            for name in operation.valueOperands { lastUse[name] = index }
        }
        let outputs = Set(graph.outputs)
        var released = Array(repeating: [String](), count: graph.operations.count)
        for (name, index) in lastUse where !outputs.contains(name) { released[index].append(name) }
        self.releasedAfter = released
    }

    /// Evaluates the graph on named inputs (each with a leading batch
    /// dimension) and returns every output by name.
    public func run(_ inputs: [String: Tensor]) throws(IRError) -> [String: Tensor] {
        var values: [String: Tensor] = [:]
        var batch: Int?
        for input in graph.inputs {
            guard let tensor = inputs[input.name] else {
                throw .evaluation("missing input %\(input.name)")
            }
            try Interpreter.check(tensor, against: input, batch: &batch)
            values[input.name] = tensor
        }
        for (index, operation) in graph.operations.enumerated() {
            var operands: [Tensor] = []
            operands.reserveCapacity(operation.operands.count)
            for operand in operation.operands {
                switch operand {
                case .value(let name):
                    guard let value = values[name] else { throw .evaluation("value %\(name) is undefined") }
                    operands.append(value)
                case .constant(let name):
                    guard let value = weights[name] else { throw .evaluation("constant @\(name) is undefined") }
                    operands.append(value)
                }
            }
            values[operation.result] = Interpreter.evaluate(operation, operands)
            for name in releasedAfter[index] { values[name] = nil }
        }
        var outputs: [String: Tensor] = [:]
        for name in graph.outputs { outputs[name] = values[name] }
        return outputs
    }

    /// Evaluates a single-input graph on `input`, in chunks of `batchSize`
    /// items to bound memory, and returns the outputs in `graph.outputs` order.
    public func run(_ input: Tensor, batchSize: Int = 256) throws(IRError) -> [Tensor] {
        guard graph.inputs.count == 1, let inputName = graph.inputs.first?.name else {
            throw .evaluation("the graph has \(graph.inputs.count) inputs; pass them by name")
        }
        guard input.rank >= 1 else { throw .evaluation("input needs a leading batch dimension") }
        let total = input.shape[0]
        guard total > 0 else { throw .evaluation("the input batch is empty") }
        let chunk = max(1, batchSize)
        var pieces: [[Tensor]] = []
        var start = 0
        while start < total {
            let end = min(total, start + chunk)
            let outputs = try run([inputName: input.batchSlice(start..<end)])
            pieces.append(graph.outputs.compactMap { outputs[$0] })
            start = end
        }
        return (0..<graph.outputs.count).map { index in
            Interpreter.concatenateBatches(pieces.map { $0[index] })
        }
    }

    static func check(_ tensor: Tensor, against input: GraphInput, batch: inout Int?) throws(IRError) {
        let expected = input.type
        guard tensor.rank == expected.rank, tensor.shape.allSatisfy({ $0 > 0 }) else {
            throw .evaluation("input %\(input.name) expects \(expected), got shape \(tensor.shape)")
        }
        for (axis, dimension) in expected.dimensions.enumerated() {
            if let dimension, axis > 0, dimension != tensor.shape[axis] {
                throw .evaluation("input %\(input.name) expects \(expected), got shape \(tensor.shape)")
            }
        }
        if let batch, batch != tensor.shape[0] {
            throw .evaluation("inputs disagree on the batch size (\(batch) vs \(tensor.shape[0]))")
        }
        batch = tensor.shape[0]
        if let bad = tensor.firstNonFinite {
            throw .evaluation("input %\(input.name) holds \(bad.value) at flat index \(bad.index)")
        }
    }

    /// The tensors stacked along the leading (batch) dimension.
    public static func concatenateBatches(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(zeros: [0]) }
        if parts.count == 1 { return first }
        var shape = first.shape
        shape[0] = parts.reduce(0) { $0 + $1.shape[0] }
        var scalars: [Double] = []
        scalars.reserveCapacity(shape.reduce(1, *))
        for part in parts { scalars.append(contentsOf: part.scalars) }
        return Tensor(shape: shape, scalars: scalars, elementType: first.elementType)
    }
}
