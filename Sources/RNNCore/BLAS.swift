import CBLAS

/// Thin, bounds-free wrappers over the system BLAS for the three products the recurrences need.
///
/// All matrices are row-major and dense, `lda` is the row stride. The core is written so that a
/// whole sequence's input projections and weight gradients are single matrix-matrix products, and
/// only the recurrence itself is one matrix-vector product per step.
enum BLAS {
    /// Pin OpenBLAS to one thread once: results must be the same bytes on every run, and for the
    /// sizes a lesson uses the thread hand-off costs more than it saves.
    static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// y = alpha · op(A) x + beta · y, where A is m×n (row-major) and op(A) is A or Aᵀ.
    @inline(__always)
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        _ = configured
        if m == 0 || n == 0 {
            let count = transpose ? n : m
            if beta == 0 { y.update(repeating: 0, count: count) }
            else if beta != 1 { for k in 0..<count { y[k] *= beta } }
            return
        }
        cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// C = alpha · op(A) op(B) + beta · C with C m×n, op(A) m×k, op(B) k×n (all row-major).
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        _ = configured
        if m == 0 || n == 0 { return }
        if k == 0 {
            for r in 0..<m {
                for col in 0..<n { c[r * ldc + col] = beta == 0 ? 0 : beta * c[r * ldc + col] }
            }
            return
        }
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
