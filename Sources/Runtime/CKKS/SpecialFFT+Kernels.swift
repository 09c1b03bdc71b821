extension SpecialFFT {
    /// Decimation in time over bit-reversed input.
    static func forwardKernel(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ n: Int,
                              _ tr: UnsafePointer<Double>, _ ti: UnsafePointer<Double>) {
        var len = 2
        while len <= n {
            let half = len >> 1
            let wr = tr + (half - 1), wi = ti + (half - 1)
            var i = 0
            while i < n {
                let ar = re + i, ai = im + i, br = re + i + half, bi = im + i + half
                for j in 0..<half {
                    let xr = br[j], xi = bi[j]
                    let vr = xr * wr[j] - xi * wi[j], vi = xr * wi[j] + xi * wr[j]
                    let ur = ar[j], ui = ai[j]
                    ar[j] = ur + vr; ai[j] = ui + vi
                    br[j] = ur - vr; bi[j] = ui - vi
                }
                i += len
            }
            len <<= 1
        }
    }

    /// Decimation in frequency with conjugate twiddles (output bit-reversed, unscaled).
    static func inverseKernel(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ n: Int,
                              _ tr: UnsafePointer<Double>, _ ti: UnsafePointer<Double>) {
        var len = n
        while len >= 2 {
            let half = len >> 1
            let wr = tr + (half - 1), wi = ti + (half - 1)
            var i = 0
            while i < n {
                let ar = re + i, ai = im + i, br = re + i + half, bi = im + i + half
                for j in 0..<half {
                    let ur = ar[j], ui = ai[j], xr = br[j], xi = bi[j]
                    ar[j] = ur + xr; ai[j] = ui + xi
                    let dr = ur - xr, di = ui - xi
                    // multiply by the conjugate twiddle
                    br[j] = dr * wr[j] + di * wi[j]; bi[j] = di * wr[j] - dr * wi[j]
                }
                i += len
            }
            len >>= 1
        }
    }
}
