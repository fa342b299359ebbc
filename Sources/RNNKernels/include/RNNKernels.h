// Dense double-precision kernels for rnnlab's numerics core: the matrix-vector products of the
// recurrences and the matrix-matrix products of the input projections and weight gradients.
//
// All matrices are row-major with an explicit row stride (ld). Every kernel accumulates in a
// fixed order, so results are the same bytes on every run on the same machine.
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

/// max_i |x_i|, or NaN if any entry is NaN.
double rk_amax(int n, const double *x);

/// Which instruction set the kernels dispatched to: "avx2+fma" or "generic".
const char *rk_isa(void);

#ifdef __cplusplus
}
#endif

#endif
