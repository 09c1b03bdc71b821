public import HepexcCKKS
public import HepexcData
public import HepexcExecutor
public import HepexcFrontend
public import HepexcIR
public import HepexcInference
public import HepexcServer
public import HepexcPasses
public import HepexcPlan
public import HepexcTraining

/// The application layer's one error type: every lower layer's error by
/// case, the checks that span layers (a data set that does not fit a
/// model), and internal errors (a broken invariant — a bug of ours, never
/// the user's input). Each prints as one line for the CLI
/// (``userMessage(limit:)``).
public enum DriverError: Error, Sendable, CustomStringConvertible {
    case frontend(FrontendError)
    case ir(IRError)
    case pass(PassError)
    case data(DataError)
    case training(TrainingError)
    case runtime(HEError)
    case executor(ExecutorError)
    case privateTraining(EncryptedTrainingError)
    /// The model file's format cannot be recognised or is not supported yet.
    case unsupportedModelFormat(path: String, reason: String)
    /// The data set and the model disagree.
    case dataMismatch(String)
    /// An option value the command cannot use (beyond what the parser checks).
    case invalidOption(String)
    /// Writing an output file failed.
    case write(path: String, reason: String)
    /// A plan file could not be read.
    case plan(path: String, error: PlanError)
    /// The encrypted execution failed.
    case execution(String)
    /// Parameters below 128-bit security, used without `--allow-insecure`.
    case insecureParameters(String)
    /// A broken invariant inside hepexc: a bug to report, not a problem with
    /// the input.
    case internalError(String)
    /// A key, ciphertext or secret-key file of the client/server split (the file, when known).
    case inference(path: String?, error: InferenceError)
    /// The HTTP server or its client (`serve`, `infer`).
    case server(ServerError)

    public var description: String {
        switch self {
        case .frontend(let error): return error.description
        case .ir(let error): return error.description
        case .pass(let error): return error.description
        case .data(let error): return error.description
        case .training(let error): return error.description
        case .runtime(let error): return error.description
        case .executor(let error): return error.description
        case .privateTraining(let error): return error.description
        case let .unsupportedModelFormat(path, reason): return "\(path): \(reason)"
        case .dataMismatch(let message): return message
        case .invalidOption(let message): return message
        case let .write(path, reason): return "cannot write \(path): \(reason)"
        case let .plan(path, error): return "\(path): \(error)"
        case .execution(let message): return message
        case .insecureParameters(let message): return message
        case .internalError(let message): return "internal error (a bug in hepexc, please report it): \(message)"
        case let .inference(path, error): return path.map { "\($0): \(error)" } ?? error.description
        case .server(let error): return error.description
        }
    }

    /// Wraps an error thrown by a lower layer. Every error type hepexc
    /// throws has its case; anything else is an internal error.
    public init(_ error: any Error) {
        switch error {
        case let error as DriverError: self = error
        case let error as FrontendError: self = .frontend(error)
        case let error as IRError: self = .ir(error)
        case let error as PassError: self = .pass(error)
        case let error as DataError: self = .data(error)
        case let error as TrainingError: self = .training(error)
        case let error as HEError: self = .runtime(error)
        case let error as ExecutorError: self = .executor(error)
        case let error as EncryptedTrainingError: self = .privateTraining(error)
        case let error as PlanError: self = .plan(path: "plan", error: error)
        case let error as InferenceError: self = .inference(path: nil, error: error)
        case let error as ServerError: self = .server(error)
        default: self = .internalError("unexpected \(type(of: error)): \(error)")
        }
    }
}
