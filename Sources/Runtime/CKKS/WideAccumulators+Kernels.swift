import HepexcModArith

/// Two rows of 128-bit lazy accumulators (low and high words side by side,
/// one row per output polynomial) over `width` coefficients, in raw memory:
/// array subscripts would bounds-check in the innermost loops. The one
/// vocabulary of the 128-bit multiply-accumulate kernels (`LazyInnerProduct`,
/// the key switch's inner product): add products unreduced, fold the sums
/// below q every few terms, write them out reduced.
struct WideAccumulators {
    let low0: UnsafeMutablePointer<UInt64>, high0: UnsafeMutablePointer<UInt64>
    let low1: UnsafeMutablePointer<UInt64>, high1: UnsafeMutablePointer<UInt64>
    let width: Int

    /// Rows over `storage`, which holds `4 · width` words.
    init(_ storage: UnsafeMutablePointer<UInt64>, width: Int) {
        low0 = storage; high0 = storage + width; low1 = storage + 2 * width; high1 = storage + 3 * width
        self.width = width
    }

    /// Adds `p0` to row 0 and `p1` to row 1 at coefficient `k`.
    @inline(__always)
    func add(_ k: Int, _ p0: (high: UInt64, low: UInt64), _ p1: (high: UInt64, low: UInt64)) {
        let (s0, c0) = low0[k].addingReportingOverflow(p0.low)
        low0[k] = s0; high0[k] = high0[k] &+ p0.high &+ (c0 ? 1 : 0)
        let (s1, c1) = low1[k].addingReportingOverflow(p1.low)
        low1[k] = s1; high1[k] = high1[k] &+ p1.high &+ (c1 ? 1 : 0)
    }

    /// Reduces every sum modulo `q` in place (high words back to 0), so more
    /// terms fit before the 128 bits overflow.
    @inline(__always)
    func fold(_ q: Modulus) {
        for k in 0..<width {
            low0[k] = q.reduce(high: high0[k], low: low0[k]); high0[k] = 0
            low1[k] = q.reduce(high: high1[k], low: low1[k]); high1[k] = 0
        }
    }

    /// Writes the sums reduced modulo `q` to `x0` and `x1`.
    @inline(__always)
    func write(_ q: Modulus, to x0: UnsafeMutablePointer<UInt64>, _ x1: UnsafeMutablePointer<UInt64>) {
        for k in 0..<width {
            x0[k] = q.reduce(high: high0[k], low: low0[k])
            x1[k] = q.reduce(high: high1[k], low: low1[k])
        }
    }
}
