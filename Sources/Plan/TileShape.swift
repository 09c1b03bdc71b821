/// The shape `[t1, t2, t3]` of one tile: t1·t2·t3 slots, batch last (t3).
public struct TileShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var t1: Int
    public var t2: Int
    public var t3: Int

    public init(t1: Int, t2: Int, t3: Int) {
        self.t1 = t1
        self.t2 = t2
        self.t3 = t3
    }

    public var slotCount: Int { t1 * t2 * t3 }

    /// `16x16x32`.
    public var description: String { "\(t1)x\(t2)x\(t3)" }

    /// Slot index of (i, j, k): row-major, batch fastest.
    @inline(__always) public func slot(_ i: Int, _ j: Int, _ k: Int) -> Int { (i * t2 + j) * t3 + k }

    /// log2 of a power of two.
    public static func log2(_ value: Int) -> Int { value.trailingZeroBitCount }

    public static func isPowerOfTwo(_ value: Int) -> Bool { value > 0 && value & (value - 1) == 0 }
}
