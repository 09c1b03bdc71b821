/// How the learning rate changes from epoch to epoch.
public enum LearningRateSchedule: Sendable, Equatable, Codable {
    /// The same rate every epoch.
    case constant
    /// Multiply by `gamma` every `every` epochs.
    case step(every: Int, gamma: Double)
    /// Multiply by `gamma` after every epoch.
    case exponential(gamma: Double)

    /// The rate for 1-based `epoch` given the initial rate.
    public func rate(epoch: Int, initial: Double) -> Double {
        switch self {
        case .constant: return initial
        case let .step(every, gamma): return initial * gamma.power((epoch - 1) / max(every, 1))
        case let .exponential(gamma): return initial * gamma.power(epoch - 1)
        }
    }

    /// `constant`, `step` or `exponential`.
    public var name: String {
        switch self {
        case .constant: return "constant"
        case .step: return "step"
        case .exponential: return "exponential"
        }
    }
}
