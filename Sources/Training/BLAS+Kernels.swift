internal import COpenBLAS

/// Single-precision matrix products through OpenBLAS (`cblas_sgemm`), all
/// row-major. The callers guarantee the sizes; these are thin wrappers.
enum BLAS {
    /// C = alpha·op(A)·op(B) + beta·C with op(A) `[m, k]`, op(B) `[k, n]`, C `[m, n]`.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float = 1, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                     beta: Float, _ c: UnsafeMutablePointer<Float>) {
        guard m > 0, n > 0, k > 0 else { return }
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
    }

    /// Array form of ``gemm(transposeA:transposeB:m:n:k:alpha:_:_:beta:_:)``.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     _ a: [Float], _ b: [Float], beta: Float = 0, into c: inout [Float]) {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    guard let a = ap.baseAddress, let b = bp.baseAddress, let c = cp.baseAddress else { return }
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a, b, beta: beta, c)
                }
            }
        }
    }

    /// Limits OpenBLAS to `count` threads (default: all cores).
    static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
