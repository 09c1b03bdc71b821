internal import COpenBLAS

/// Single-precision matrix products through OpenBLAS (`cblas_sgemm`), all
/// row-major. The callers guarantee the sizes; these are thin wrappers.
///
/// Threading: products smaller than ``parallelThreshold`` multiply-adds run
/// on one thread. Mini-batch products (64×784×128 is 6.4 M) are too small
/// for OpenBLAS's threads to pay off, and on a shared machine its spinning
/// worker threads made an MLP epoch 1.3–4× slower than one thread.
enum BLAS {
    /// Multiply-adds from which a product uses all ``maximumThreads``.
    nonisolated(unsafe) static var parallelThreshold = 1 << 24
    /// The thread limit for large products (default: all cores).
    nonisolated(unsafe) static var maximumThreads = Int(openblas_get_num_procs())
    nonisolated(unsafe) private static var currentThreads = -1

    private static func useThreads(for work: Int) {
        let wanted = work >= parallelThreshold ? maximumThreads : 1
        if wanted != currentThreads {
            openblas_set_num_threads(Int32(wanted))
            currentThreads = wanted
        }
    }

    /// C = alpha·op(A)·op(B) + beta·C with op(A) `[m, k]`, op(B) `[k, n]`, C `[m, n]`.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float = 1, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                     beta: Float, _ c: UnsafeMutablePointer<Float>) {
        guard m > 0, n > 0, k > 0 else { return }
        useThreads(for: m * n * k)
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

    /// Limits large products to `count` threads (default: all cores).
    static func setThreads(_ count: Int) {
        maximumThreads = max(1, count)
        currentThreads = -1
    }
}
