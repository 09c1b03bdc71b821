internal import HepexcRing

extension BenchRunner {
    /// One forward NTT of `limb` in place, without the final reduction (as
    /// the runtime runs it inside key switching).
    static func forwardNTT(_ table: NTTTables, _ limb: inout [UInt64]) {
        limb.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            table.forward(base, reduceOutput: false)
        }
    }
}
