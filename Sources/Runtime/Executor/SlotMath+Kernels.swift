/// Cleartext slot-vector arithmetic shared by the simulation and by the
/// executor's handling of constant (plaintext-known) tiles. Inputs have equal
/// lengths (the slot count); the loops run on raw buffers because the
/// simulation performs thousands of them per plan.
public enum SlotMath {
    /// Left rotation: result[s] = values[(s + steps) mod n].
    public static func rotate(_ values: [Double], by steps: Int) -> [Double] {
        let n = values.count
        guard n > 0 else { return values }
        let shift = ((steps % n) + n) % n
        if shift == 0 { return values }
        return [Double](unsafeUninitializedCapacity: n) { out, count in
            values.withUnsafeBufferPointer { source in
                guard let src = source.baseAddress, let dst = out.baseAddress else { return }
                dst.initialize(from: src + shift, count: n - shift)
                (dst + (n - shift)).initialize(from: src, count: shift)
            }
            count = n
        }
    }

    public static func add(_ a: [Double], _ b: [Double]) -> [Double] { combine(a, b, +) }
    public static func multiply(_ a: [Double], _ b: [Double]) -> [Double] { combine(a, b, *) }

    @inline(__always)
    static func combine(_ a: [Double], _ b: [Double], _ op: (Double, Double) -> Double) -> [Double] {
        let n = min(a.count, b.count)
        return [Double](unsafeUninitializedCapacity: n) { out, count in
            a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    for index in 0..<n { out[index] = op(x[index], y[index]) }
                }
            }
            count = n
        }
    }
}
