/// The tile shape asked for: a fixed t1×t2 (`16x16`) or `auto`.
public enum TileChoice: Sendable, Equatable, CustomStringConvertible {
    case fixed(t1: Int, t2: Int)
    case auto

    /// Parses `16x16` or `auto`; both sides must be positive (powers of two
    /// are checked by ``validate()``, so the message can say so).
    public init?(parsing text: String) {
        if text.lowercased() == "auto" { self = .auto; return }
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let t1 = Int(parts[0]), let t2 = Int(parts[1]), t1 > 0, t2 > 0 else { return nil }
        self = .fixed(t1: t1, t2: t2)
    }

    public var description: String {
        switch self {
        case let .fixed(t1, t2): "\(t1)x\(t2)"
        case .auto: "auto"
        }
    }

    public var isAuto: Bool { self == .auto }

    /// The shapes to compile: the fixed one, or for `auto` every t1×t2 with
    /// both sides a power of two from 1 to 256 (a Type-D layer needs t2 ≥
    /// its width).
    public var shapes: [(t1: Int, t2: Int)] {
        switch self {
        case let .fixed(t1, t2): return [(t1, t2)]
        case .auto:
            let sides = [1, 2, 4, 8, 16, 32, 64, 128, 256]
            return sides.flatMap { t1 in sides.map { t2 in (t1, t2) } }
        }
    }

    /// - Throws: `DriverError.invalidOption` unless both sides are powers of two.
    public func validate() throws(DriverError) {
        guard case let .fixed(t1, t2) = self else { return }
        guard t1 & (t1 - 1) == 0, t2 & (t2 - 1) == 0 else {
            throw .invalidOption("--tile \(t1)x\(t2): both dimensions must be powers of two")
        }
    }
}

/// The form of the first dense layer (`--first-form`).
public enum FirstLayerForm: String, CaseIterable, Sendable {
    case a = "A", b = "B", d = "D"
}

/// What `--tile auto` minimises.
public enum CompileObjective: String, CaseIterable, Sendable, Codable {
    /// The time until one batch of `--batch` samples (default 1) is answered:
    /// client encryption plus server execution of its ciphertexts.
    case latency
    /// Time per sample with full ciphertexts.
    case throughput
}
