#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The factored special FFT that bootstrapping evaluates homomorphically.
///
/// Decoding is `z = U·w` with `U_{jt} = ξ^(5^j·t)` (ξ a primitive 4n-th root of unity,
/// n slots); `SpecialFFT` computes it as bit reversal followed by log2(n) butterfly stages
/// `B_2, B_4, …, B_n`. Each stage is a matrix with three diagonals (0, +h, −h), so a group
/// of s consecutive stages has at most 2^(s+1) − 1 diagonals: a few dense-ish levels
/// instead of one n×n matrix (Cheon–Han–Kim–Kim–Song 2018, Chen–Chillotti–Song 2019).
/// The bit reversal is never evaluated: CoeffToSlot outputs the coefficients in
/// bit-reversed order, EvalMod is slot-wise, and SlotToCoeff takes them in that order.
enum HomomorphicDFT {
    /// Butterfly stage `len` (2…n) of the forward special FFT on n slots, or its inverse
    /// (which carries the factor 1/2 of `U⁻¹ = (1/n)·…`).
    static func stage(slots n: Int, length len: Int, inverse: Bool) -> SlotMatrix {
        let fft = SpecialFFT(degree: 2 * n)
        let h = len / 2
        var d0 = [Complex](repeating: .zero, count: n)
        var plus = [Complex](repeating: .zero, count: n)   // offset +h
        var minus = [Complex](repeating: .zero, count: n)  // offset n − h
        for block in stride(from: 0, to: n, by: len) {
            for j in 0..<h {
                let w = Complex(fft.twiddleReal[h - 1 + j], fft.twiddleImag[h - 1 + j])
                let lower = block + j, upper = block + j + h
                if inverse {
                    // a = (a' + b')/2, b = (a' − b')/(2w)
                    d0[lower] = Complex(0.5); plus[lower] = Complex(0.5)
                    let r = w.reciprocal * 0.5
                    minus[upper] = r; d0[upper] = r * -1
                } else {
                    // a' = a + w·b, b' = a − w·b
                    d0[lower] = .one; plus[lower] = w
                    minus[upper] = .one; d0[upper] = w * -1
                }
            }
        }
        var matrix = SlotMatrix(period: n, diagonals: [0: d0])
        for (offset, entries) in [(h % n, plus), ((n - h) % n, minus)] {
            if var existing = matrix.diagonals[offset] {
                for p in 0..<n { existing[p] += entries[p] }
                matrix.diagonals[offset] = existing
            } else {
                matrix.diagonals[offset] = entries
            }
        }
        return matrix
    }

    /// Splits `count` stages into `levels` consecutive groups, larger groups first.
    static func groups(count: Int, levels: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for g in 0..<levels {
            let size = count / levels + (g < count % levels ? 1 : 0)
            ranges.append(start..<(start + size))
            start += size
        }
        return ranges
    }

    /// CoeffToSlot as `levels` matrices (apply in order). For `slots` = N/2 (full) the
    /// result A satisfies `A + conj(A) = Re(W)` and `(−i)·A + conj((−i)·A) = Im(W)` for the
    /// bit-reversed coefficient vector W; for sparse slots (period doubles to 2n) it gives
    /// `A + conj(A) = [Re(W) | Im(W)]` in one ciphertext.
    static func coeffToSlot(slots n: Int, levels: Int, ringSlots: Int) -> [SlotMatrix] {
        let lengths = stageLengths(n).reversed().map { $0 }  // B_n⁻¹ first
        let stages = lengths.map { stage(slots: n, length: $0, inverse: true) }
        var factors = groups(count: stages.count, levels: levels).map { range in
            range.dropFirst().reduce(stages[range.lowerBound]) { stages[$1].after($0) }
        }
        guard let last = factors.popLast() else { return [] }
        if n == ringSlots {
            factors.append(last.scaled(by: 0.5))
        } else {
            // v = [1/2 …, 1/(2i) …] over the doubled period.
            let half = Complex(0.5), overTwoI = Complex(0, -0.5)
            let v = (0..<(2 * n)).map { $0 < n ? half : overTwoI }
            factors = factors.map { $0.lifted(to: 2 * n) }
            factors.append(last.lifted(to: 2 * n).rowScaled(by: v))
        }
        return factors
    }

    /// SlotToCoeff as `levels` matrices (apply in order) times `constant`. The input is the
    /// bit-reversed coefficient vector W (full slots) or `[Re(W) | Im(W)]` with period 2n
    /// (sparse slots, recombined into `W` by the first matrix).
    static func slotToCoeff(slots n: Int, levels: Int, ringSlots: Int, constant: Double) -> [SlotMatrix] {
        let stages = stageLengths(n).map { stage(slots: n, length: $0, inverse: false) }  // B_2 first
        let perLevel = levels > 0 ? pow(constant, 1 / Double(levels)) : 1
        var factors = groups(count: stages.count, levels: levels).map { range in
            range.dropFirst().reduce(stages[range.lowerBound]) { stages[$1].after($0) }.scaled(by: perLevel)
        }
        if n < ringSlots, !factors.isEmpty {
            // C: out_p = y_p + i·y_{p+n} (p < n), y_{p−n} + i·y_p (p ≥ n): both halves hold W.
            let ones = [Complex](repeating: .one, count: n), eyes = [Complex](repeating: .i, count: n)
            let combine = SlotMatrix(period: 2 * n, diagonals: [0: ones + eyes, n: eyes + ones])
            factors = factors.map { $0.lifted(to: 2 * n) }
            factors[0] = factors[0].after(combine)
        }
        return factors
    }

    /// 2, 4, …, n.
    static func stageLengths(_ n: Int) -> [Int] {
        var lengths: [Int] = []
        var len = 2
        while len <= n { lengths.append(len); len <<= 1 }
        return lengths
    }
}
