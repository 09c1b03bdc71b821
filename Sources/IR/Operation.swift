/// An operand: an SSA value (`%name`) or a named constant (`@name`).
public enum Operand: Sendable, Hashable, CustomStringConvertible {
    case value(String)
    case constant(String)

    public var name: String {
        switch self {
        case .value(let name), .constant(let name): return name
        }
    }

    public var isConstant: Bool { if case .constant = self { return true }; return false }

    public var description: String {
        switch self {
        case .value(let name): return "%" + Identifier.printable(name)
        case .constant(let name): return "@" + Identifier.printable(name)
        }
    }
}

/// One operation: `%result = kind(operands) {attributes} : type`.
public struct Operation: Sendable, Hashable {
    public var result: String
    public var kind: OpKind
    public var operands: [Operand]
    public var attributes: Attributes
    public var type: TensorType

    public init(result: String, kind: OpKind, operands: [Operand],
                attributes: Attributes = [:], type: TensorType) {
        self.result = result
        self.kind = kind
        self.operands = operands
        self.attributes = attributes
        self.type = type
    }

    /// The names of the SSA values this operation reads.
    public var valueOperands: [String] {
        operands.compactMap { if case .value(let name) = $0 { return name }; return nil }
    }
}
