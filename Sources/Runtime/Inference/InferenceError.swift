public import HepexcCKKS
internal import HepexcExecutor

/// Every error of the client/server split: files of the wrong kind, for
/// another plan, damaged, or a secret key where only evaluation keys may go.
public enum InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not the artifact asked for (payload: expected and found kinds, human names).
    case wrongKind(expected: String, found: String)
    /// A secret key was handed to the server side.
    case secretKeyOnServer
    /// The artifact was made for another plan or other CKKS parameters.
    case otherPlan(what: String, expected: UInt64, found: UInt64)
    /// A checksum, length or structure check failed (payload: which).
    case corrupted(String)
    /// A format version this build does not read.
    case unsupportedVersion(Int)
    /// The artifact is well-formed but does not fit the request (payload: why).
    case mismatch(String)
    /// The CKKS layer rejected an object or an operation.
    case runtime(HEError)
    /// The plan executor failed.
    case executor(String)

    public var description: String {
        switch self {
        case let .wrongKind(expected, found):
            return "expected \(expected), found \(found)"
        case .secretKeyOnServer:
            return "this is a secret key: it stays with the client and is never accepted by the server; "
                + "give the .evalkeys file made by `hepexc keygen`"
        case let .otherPlan(what, expected, found):
            return "made for another \(what) (hash \(hex(found)), expected \(hex(expected))): "
                + "keys and ciphertexts only work with the plan they were made for"
        case .corrupted(let reason):
            return "corrupted or truncated file: \(reason)"
        case .unsupportedVersion(let version):
            return "unsupported format version \(version) (this build reads evaluation keys version \(ArtifactContainer.version), "
                + "ciphertext batches versions 1–\(ArtifactContainer.newestVersion(.ciphertextBatch)))"
        case .mismatch(let reason):
            return reason
        case .runtime(let error):
            return "CKKS: \(error)"
        case .executor(let message):
            return message
        }
    }

    /// Wraps the lower layers' errors.
    static func wrapping(_ error: any Error) -> InferenceError {
        switch error {
        case let error as InferenceError: return error
        case let error as HEError: return .runtime(error)
        case let error as ExecutorError:
            if case .runtime(let inner) = error { return .runtime(inner) }
            return .executor(error.description)
        default: return .executor("\(error)")
        }
    }
}

func hex(_ x: UInt64) -> String { "0x" + String(x, radix: 16) }
