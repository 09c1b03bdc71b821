/// Errors reading, writing and validating plans.
public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a plan file (wrong magic) or are cut short.
    case malformed(String)
    /// The plan was written by a format version we cannot read.
    case unsupportedVersion(found: Int, supported: Int)
    /// The payload's checksum does not match: the file is corrupted.
    case checksumMismatch
    /// The plan's content is inconsistent (a tile outside its grid, a wrong
    /// number of values, …).
    case invalid(String)

    public var description: String {
        switch self {
        case .malformed(let reason): return "not a valid plan file: \(reason)"
        case let .unsupportedVersion(found, supported):
            return "plan format version \(found) is not supported (this hepexc reads version \(supported)); recompile the model"
        case .checksumMismatch: return "the plan file is corrupted (checksum mismatch)"
        case .invalid(let reason): return "invalid plan: \(reason)"
        }
    }
}
