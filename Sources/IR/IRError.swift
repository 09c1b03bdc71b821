/// A position in a textual IR file (1-based line and column).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// Every error the IR module reports: parsing, verification, shape
/// inference and interpretation.
public enum IRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text at `location` is not valid IR.
    case parse(SourceLocation, String)
    /// The graph breaks an invariant; `subject` names the value, constant or
    /// operation concerned.
    case verification(subject: String, message: String)
    /// An operation's operands cannot produce a result (shape inference).
    case shape(operation: String, kind: OpKind, message: String)
    /// The interpreter cannot evaluate the graph with these inputs.
    case evaluation(String)

    public var description: String {
        switch self {
        case let .parse(location, message): return "\(location): error: \(message)"
        case let .verification(subject, message): return "invalid IR at \(subject): \(message)"
        case let .shape(operation, kind, message): return "\(kind.rawValue) %\(operation): \(message)"
        case let .evaluation(message): return "evaluation failed: \(message)"
        }
    }
}
