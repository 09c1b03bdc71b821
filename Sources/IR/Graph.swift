public import OrderedCollections

/// A named constant (weights, biases, batch-norm statistics, masks).
///
/// `value` is `nil` when the constant was printed elided and parsed back: the
/// graph can then be inspected and transformed structurally but not evaluated.
public struct Constant: Sendable, Equatable {
    public var type: TensorType
    public var value: Tensor?
    public var attributes: Attributes

    /// Values of an `f32` constant are rounded to `Float` so that printing
    /// (shortest `Float` text) and parsing give back exactly the same graph.
    public init(type: TensorType, value: Tensor?, attributes: Attributes = [:]) {
        self.type = type
        if var tensor = value, tensor.elementType == .f32 {
            tensor.scalars = tensor.scalars.map { Double(Float($0)) }
            self.value = tensor
        } else {
            self.value = value
        }
        self.attributes = attributes
    }

    /// A constant holding `tensor`.
    public init(_ tensor: Tensor, attributes: Attributes = [:]) {
        self.init(type: tensor.type, value: tensor, attributes: attributes)
    }

    public var elementCount: Int { type.elementCount ?? 0 }
}

/// A graph input: `%name: type`.
public struct GraphInput: Sendable, Hashable {
    public var name: String
    public var type: TensorType

    public init(name: String, type: TensorType) {
        self.name = name
        self.type = type
    }
}

/// A model in the IR: named constants, inputs, operations in SSA order and
/// outputs. Value semantics; passes take it `inout`.
///
/// Invariants (checked by ``Graph/verify()``): every name is defined once and
/// before use, operand kinds and counts match the operation, every result
/// type equals the inferred one, constants are finite and match their type.
public struct Graph: Sendable, Equatable {
    /// The model's name (`model @name` in the text).
    public var name: String
    /// Free-form provenance: producer, source format, opset, …
    public var metadata: Attributes
    public var constants: OrderedDictionary<String, Constant>
    public var inputs: [GraphInput]
    public var operations: [Operation]
    /// Names of the values returned by the graph, in order.
    public var outputs: [String]

    public init(name: String, metadata: Attributes = [:],
                constants: OrderedDictionary<String, Constant> = [:],
                inputs: [GraphInput] = [], operations: [Operation] = [], outputs: [String] = []) {
        self.name = name
        self.metadata = metadata
        self.constants = constants
        self.inputs = inputs
        self.operations = operations
        self.outputs = outputs
    }

    /// The type of every SSA value: inputs and operation results.
    public var valueTypes: [String: TensorType] {
        var types: [String: TensorType] = [:]
        for input in inputs { types[input.name] = input.type }
        for operation in operations { types[operation.result] = operation.type }
        return types
    }

    /// The operation defining `value`, if it is not a graph input.
    public func definingOperation(of value: String) -> Operation? {
        operations.first { $0.result == value }
    }

    /// For each value, the indices of the operations that read it.
    public var users: [String: [Int]] {
        var users: [String: [Int]] = [:]
        for (index, operation) in operations.enumerated() {
            for name in operation.valueOperands { users[name, default: []].append(index) }
        }
        return users
    }

    /// Total number of scalars held by constants that an operation reads
    /// (the model's parameter count).
    public var parameterCount: Int {
        var used = Set<String>()
        for operation in operations {
            for case .constant(let name) in operation.operands { used.insert(name) }
        }
        return used.reduce(0) { $0 + (constants[$1]?.elementCount ?? 0) }
    }

    /// Whether every constant carries its values (nothing was elided).
    public var hasAllWeights: Bool { constants.values.allSatisfy { $0.value != nil } }

    /// Operation counts by kind.
    public var operationCounts: [OpKind: Int] {
        operations.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 }
    }
}
