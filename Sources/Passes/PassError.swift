public import HepexcIR

/// Errors from passes and the pass manager.
public enum PassError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A pipeline string names a pass that does not exist.
    case unknownPass(String, known: [String])
    /// A pipeline string or pass option cannot be parsed.
    case invalidPipeline(String)
    /// A pass option has a bad value.
    case invalidOption(pass: String, option: String, reason: String)
    /// A pass failed; `position` is its 1-based place in the pipeline.
    case failed(pass: String, position: Int, reason: String)
    /// The model cannot be packed into an encrypted-execution plan: an
    /// operation that cannot run under CKKS, an impossible tile shape, no
    /// secure parameters. Said in the user's terms, without pass names.
    case lowering(reason: String)
    /// The graph did not verify after a pass.
    case verificationFailed(pass: String, position: Int, error: IRError)

    public var description: String {
        switch self {
        case let .unknownPass(name, known):
            return "unknown pass '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .invalidPipeline(reason): return "invalid pass pipeline: \(reason)"
        case let .invalidOption(pass, option, reason): return "pass \(pass): option '\(option)': \(reason)"
        case let .failed(pass, position, reason):
            // Position 0: the pass ran on its own, not as part of a pipeline.
            return position > 0 ? "pass \(pass) (#\(position) in the pipeline) failed: \(reason)" : "\(pass): \(reason)"
        case let .lowering(reason): return reason
        case let .verificationFailed(pass, position, error):
            return "IR does not verify after pass \(pass) (#\(position)): \(error)"
        }
    }
}
