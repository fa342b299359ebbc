import RNNKernels

/// Thin, bounds-free wrappers over rnnlab's dense kernels (Sources/RNNKernels) for the three
/// products the recurrences need, with BLAS-style arguments.
///
/// All matrices are row-major and dense, `lda` is the row stride. The core is written so that a
/// whole sequence's input projections and weight gradients are single matrix-matrix products, and
/// only the recurrence itself is one matrix-vector product per step.
public enum BLAS {
    /// The instruction set the kernels use on this machine.
    public static var instructionSet: String { String(cString: rk_isa()) }
    /// How many threads large products and long sequences use (1 or 2).
    public static var threads: Int { Int(rk_threads()) }

    /// y = alpha · op(A) x + beta · y, where A is m×n (row-major) and op(A) is A or Aᵀ.
    @inline(__always)
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        if transpose {
            rk_gemv_t(Int32(m), Int32(n), alpha, a, Int32(lda), x, beta, y)
        } else {
            rk_gemv_n(Int32(m), Int32(n), alpha, a, Int32(lda), x, beta, y)
        }
    }

    /// C = alpha · op(A) op(B) + beta · C with C m×n, op(A) m×k, op(B) k×n (all row-major).
    /// Large products share their rows with a second thread unless `oneThread` (same bits).
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int, oneThread: Bool = false
    ) {
        (oneThread ? rk_gemm_one_thread : rk_gemm)(
            transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
