#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CKKS canonical embedding restricted to the N/2 slots (Cheon–Kim–Kim–Song 2018,
/// "A full RNS variant", and HEAAN's `fftSpecial`): with `w_k = m_k + i·m_{k+N/2}`,
/// slot `j` is `z_j = m(ζ^(5^j)) = Σ_k w_k ζ^(5^j·k)` for ζ = e^(iπ/N). `forward` computes
/// z from w (decoding) by a radix-2 decimation-in-time FFT; `inverse` is its exact inverse.
/// The butterflies live in `SpecialFFT+Kernels.swift`.
struct SpecialFFT: Sendable {
    let slots: Int
    /// Twiddles `ζ_{4·len}^(5^j mod 4·len)` for every stage `len = 2, 4, …, slots` and
    /// `j < len/2`, concatenated in stage order (stage `len` starts at `len/2 − 1`).
    let twiddleReal: [Double]
    let twiddleImag: [Double]
    /// The bit-reversal permutation of `0..<slots`.
    let bitReversal: [Int32]

    init(degree: Int) {
        let slots = degree / 2
        self.slots = slots
        let m = 2 * degree
        var group = [Int](repeating: 1, count: max(slots, 1))
        for j in 1..<max(slots, 1) { group[j] = group[j - 1] * 5 % m }
        var re: [Double] = [], im: [Double] = []
        var len = 2
        while len <= slots {
            let quarter = len << 2
            for j in 0..<(len >> 1) {
                let k = (group[j] % quarter) * (m / quarter)
                let angle = 2 * Double.pi * Double(k) / Double(m)
                re.append(cos(angle)); im.append(sin(angle))
            }
            len <<= 1
        }
        self.twiddleReal = re
        self.twiddleImag = im
        let bits = slots.trailingZeroBitCount
        self.bitReversal = (0..<slots).map { i in
            var v = i, r = 0
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return Int32(r)
        }
    }

    /// `z_j = Σ_k w_k ζ^(5^j·k)` in place (w in, z out), `slots` values.
    func forward(_ re: inout [Double], _ im: inout [Double]) {
        bitReversePermute(&re, &im)
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                twiddleReal.withUnsafeBufferPointer { tr in
                    twiddleImag.withUnsafeBufferPointer { ti in
                        Self.forwardKernel(r.baseAddress!, i.baseAddress!, slots, tr.baseAddress!, ti.baseAddress!)
                    }
                }
            }
        }
    }

    /// The inverse of `forward` (z in, w out).
    func inverse(_ re: inout [Double], _ im: inout [Double]) {
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                twiddleReal.withUnsafeBufferPointer { tr in
                    twiddleImag.withUnsafeBufferPointer { ti in
                        Self.inverseKernel(r.baseAddress!, i.baseAddress!, slots, tr.baseAddress!, ti.baseAddress!)
                    }
                }
            }
        }
        bitReversePermute(&re, &im)
        let scale = 1 / Double(slots)
        for k in 0..<slots { re[k] *= scale; im[k] *= scale }
    }

    private func bitReversePermute(_ re: inout [Double], _ im: inout [Double]) {
        for i in 0..<slots {
            let r = Int(bitReversal[i])
            if r > i { re.swapAt(i, r); im.swapAt(i, r) }
        }
    }
}
