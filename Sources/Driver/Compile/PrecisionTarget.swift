internal import Foundation

/// `compile --precision`: the largest output error wanted, given as an error
/// bound (`1e-7`) or as bits of precision (`24`, meaning 2^−24).
public struct PrecisionTarget: Sendable, Equatable, CustomStringConvertible {
    /// The largest |decrypted − exact| output error wanted.
    public let maxError: Double

    /// Parses `1e-7`, `0.000001` (an error bound in (0, 1)) or `24` (bits, 1…60).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let bits = Int(trimmed) {
            guard (1...60).contains(bits) else { return nil }
            maxError = pow(2, -Double(bits))
            return
        }
        guard let value = Double(trimmed), value.isFinite, value > 0, value < 1 else { return nil }
        maxError = value
    }

    public var description: String { String(format: "%g", maxError) }
}
