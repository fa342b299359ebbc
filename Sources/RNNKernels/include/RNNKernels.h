// Dense double-precision kernels for rnnlab's numerics core: the matrix-vector products of the
// recurrences and the matrix-matrix products of the input projections and weight gradients.
//
// All matrices are row-major with an explicit row stride (ld). Every kernel accumulates in a
// fixed order, so results are the same bytes on every run on the same machine, however many
// threads take part.
#ifndef RNN_KERNELS_H
#define RNN_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y = alpha * A x + beta * y, A is m x n.
void rk_gemv_n(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y);

/// y = alpha * A^T x + beta * y, A is m x n (y has n entries, x has m).
void rk_gemv_t(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y);

/// C = alpha * op(A) op(B) + beta * C; C is m x n, op(A) m x k, op(B) k x n.
void rk_gemm(int transA, int transB, int m, int n, int k, double alpha,
             const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);

/// rk_gemm on the calling thread only (for callers that are themselves the second thread).
void rk_gemm_one_thread(int transA, int transB, int m, int n, int k, double alpha,
                        const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);

/// Overwrites the m x n matrix a (m >= n) with Q of its QR factorisation A = QR, R's diagonal
/// positive (orthonormal columns; unique for a full-rank A). Block Gram–Schmidt with
/// reorthogonalisation on rk_gemm, in orthonormal.c; the same bits on every run on the same machine.
void rk_orthonormalize(int m, int n, double *a, int lda);

/// max_i |x_i|, or NaN if any entry is NaN.
double rk_amax(int n, const double *x);

/// y_i = σ(x_i) = 1 / (1 + e^(−x_i)) for n entries (y must not overlap x). Within 2 ulp of the
/// true value (about 1.5 at worst, measured against mpmath); the same bits on every machine and
/// path, and the same as rk_sigmoid1.
void rk_sigmoid(int n, const double *restrict x, double *restrict y);

/// y_i = tanh(x_i) for n entries (y must not overlap x); the same bits as rk_tanh1.
void rk_tanh(int n, const double *restrict x, double *restrict y);

/// σ(x) and tanh(x) one value at a time.
double rk_sigmoid1(double x);
double rk_tanh1(double x);

/// σ and tanh through the portable C path whatever this CPU has (for the tests that check that
/// every path gives the same bits).
void rk_activations_portable(int n, const double *restrict x, double *restrict sigma, double *restrict tanh_x);

/// Which instruction set the kernels dispatched to: "avx512", "avx2+fma" or "generic"
/// (RNNLAB_KERNELS=generic or =avx2 caps it).
const char *rk_isa(void);

/// How many threads the large matrix products use: 2, or 1 with RNNLAB_THREADS=1 or one core.
int rk_threads(void);

#ifdef __cplusplus
}
#endif

#endif
