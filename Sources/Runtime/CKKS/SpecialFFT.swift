#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CKKS canonical embedding restricted to the N/2 slots (Cheon–Kim–Kim–Song 2018,
/// "A full RNS variant", and HEAAN's `fftSpecial`): with `w_k = m_k + i·m_{k+N/2}`,
/// slot `j` is `z_j = m(ζ^(5^j)) = Σ_k w_k ζ^(5^j·k)` for ζ = e^(iπ/N). `forward` computes
/// z from w (decoding) by a radix-2 decimation-in-time FFT; `inverse` is its exact inverse.
struct SpecialFFT: Sendable {
    let slots: Int
    /// `5^j mod 2N`.
    let rotationGroup: [Int]
    /// `e^(2πik/2N)`, k = 0 … 2N.
    let rootsReal: [Double]
    let rootsImag: [Double]

    init(degree: Int) {
        let slots = degree / 2
        self.slots = slots
        let m = 2 * degree
        var group = [Int](repeating: 1, count: max(slots, 1))
        for j in 1..<max(slots, 1) { group[j] = group[j - 1] * 5 % m }
        self.rotationGroup = group
        var re = [Double](repeating: 0, count: m + 1), im = re
        for k in 0...m {
            let angle = 2 * Double.pi * Double(k) / Double(m)
            re[k] = cos(angle); im[k] = sin(angle)
        }
        self.rootsReal = re; self.rootsImag = im
    }

    /// `z_j = Σ_k w_k ζ^(5^j·k)` in place (w in, z out), `slots` values.
    func forward(_ re: inout [Double], _ im: inout [Double]) {
        let n = slots
        let m = 2 * 2 * n  // 2N
        bitReversePermute(&re, &im)
        var len = 2
        while len <= n {
            let half = len >> 1, quarter = len << 2
            for i in stride(from: 0, to: n, by: len) {
                for j in 0..<half {
                    let idx = (rotationGroup[j] % quarter) * (m / quarter)
                    let wr = rootsReal[idx], wi = rootsImag[idx]
                    let ur = re[i + j], ui = im[i + j]
                    let xr = re[i + j + half], xi = im[i + j + half]
                    let vr = xr * wr - xi * wi, vi = xr * wi + xi * wr
                    re[i + j] = ur + vr; im[i + j] = ui + vi
                    re[i + j + half] = ur - vr; im[i + j + half] = ui - vi
                }
            }
            len <<= 1
        }
    }

    /// The inverse of `forward` (z in, w out).
    func inverse(_ re: inout [Double], _ im: inout [Double]) {
        let n = slots
        let m = 2 * 2 * n
        var len = n
        while len >= 2 {
            let half = len >> 1, quarter = len << 2
            for i in stride(from: 0, to: n, by: len) {
                for j in 0..<half {
                    let idx = (rotationGroup[j] % quarter) * (m / quarter)
                    let wr = rootsReal[idx], wi = -rootsImag[idx]  // conjugate root
                    let ar = re[i + j], ai = im[i + j]
                    let br = re[i + j + half], bi = im[i + j + half]
                    re[i + j] = ar + br; im[i + j] = ai + bi
                    let dr = ar - br, di = ai - bi
                    re[i + j + half] = dr * wr - di * wi; im[i + j + half] = dr * wi + di * wr
                }
            }
            len >>= 1
        }
        bitReversePermute(&re, &im)
        let scale = 1 / Double(n)
        for k in 0..<n { re[k] *= scale; im[k] *= scale }
    }

    private func bitReversePermute(_ re: inout [Double], _ im: inout [Double]) {
        let bits = slots.trailingZeroBitCount
        for i in 0..<slots {
            let r = reverse(i, bits)
            if r > i { re.swapAt(i, r); im.swapAt(i, r) }
        }
    }

    private func reverse(_ x: Int, _ bits: Int) -> Int {
        var v = x, r = 0
        for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
        return r
    }
}
