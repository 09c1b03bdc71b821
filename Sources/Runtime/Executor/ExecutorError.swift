public import HepexcCKKS
public import HepexcPlan

/// Errors running a plan.
public enum ExecutorError: Error, Sendable, CustomStringConvertible {
    /// The runtime rejected an operation (level, scale or key problems).
    case runtime(HEError)
    case plan(PlanError)
    /// The simulation saw an operation CKKS would reject.
    case simulation(String)
    /// Inputs do not fit the plan.
    case input(String)

    public var description: String {
        switch self {
        case .runtime(let error): return "CKKS: \(error)"
        case .plan(let error): return error.description
        case .simulation(let message): return "simulation: \(message)"
        case .input(let message): return message
        }
    }
}
