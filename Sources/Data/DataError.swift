/// Errors reading or writing data sets. (Filled in by the data layer.)
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        }
    }
}
