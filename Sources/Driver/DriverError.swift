public import HepexcData
public import HepexcFrontend
public import HepexcIR
public import HepexcPasses
public import HepexcPlan
internal import HepexcExecutor

/// Errors of the driver layer: every lower layer's error, plus the checks
/// that span layers (a data set that does not fit a model). Each prints as
/// one line for the CLI.
public enum DriverError: Error, Sendable, CustomStringConvertible {
    case frontend(FrontendError)
    case ir(IRError)
    case pass(PassError)
    case data(DataError)
    /// The model file's format cannot be recognised or is not supported yet.
    case unsupportedModelFormat(path: String, reason: String)
    /// The data set and the model disagree.
    case dataMismatch(String)
    /// Writing an output file failed.
    case write(path: String, reason: String)
    /// A plan file could not be read.
    case plan(path: String, error: PlanError)
    /// The encrypted execution failed.
    case execution(String)

    public var description: String {
        switch self {
        case .frontend(let error): return error.description
        case .ir(let error): return error.description
        case .pass(let error): return error.description
        case .data(let error): return error.description
        case let .unsupportedModelFormat(path, reason): return "\(path): \(reason)"
        case .dataMismatch(let message): return message
        case let .write(path, reason): return "cannot write \(path): \(reason)"
        case let .plan(path, error): return "\(path): \(error)"
        case .execution(let message): return message
        }
    }

    /// Wraps any error from the layers below.
    public init(_ error: any Error) {
        switch error {
        case let error as DriverError: self = error
        case let error as FrontendError: self = .frontend(error)
        case let error as IRError: self = .ir(error)
        case let error as PassError: self = .pass(error)
        case let error as DataError: self = .data(error)
        case let error as PlanError: self = .plan(path: "plan", error: error)
        case let error as ExecutorError: self = .execution(error.description)
        default: self = .dataMismatch("\(error)")
        }
    }
}
