// rnnlab's dense kernels. See include/RNNKernels.h.
//
// Why not the system BLAS: Debian's OpenBLAS 0.3.21 does not recognise current Xeons and falls
// back to its SSE3 (Prescott) kernels, and its idle worker threads spin on sched_yield; the
// products here are small enough that a compact kernel with AVX2/FMA does better, and fixed
// summation orders make every run reproducible. A generic C path serves other CPUs.
#include "RNNKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RK_X86 1
#include <immintrin.h>
#define RK_AVX2 __attribute__((target("avx2,fma")))
#else
#define RK_X86 0
#endif

// RNNLAB_KERNELS=generic forces the portable path (the tests compare both paths).
static int rk_has_avx2(void) {
#if RK_X86
    static int cached = -1;
    if (cached < 0) {
        const char *forced = getenv("RNNLAB_KERNELS");
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
            && !(forced && strcmp(forced, "generic") == 0);
    }
    return cached;
#else
    return 0;
#endif
}

const char *rk_isa(void) { return rk_has_avx2() ? "avx2+fma" : "generic"; }

static void scale_vector(int n, double beta, double *y) {
    if (beta == 1.0) return;
    if (beta == 0.0) { memset(y, 0, (size_t)n * sizeof(double)); return; }
    for (int i = 0; i < n; i++) y[i] *= beta;
}

// ---------------------------------------------------------------- matrix-vector, y += A x

static void gemv_n_generic(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    for (int i = 0; i < m; i++) {
        const double *row = a + (size_t)i * lda;
        double s = 0;
        for (int j = 0; j < n; j++) s += row[j] * x[j];
        y[i] += alpha * s;
    }
}

#if RK_X86
RK_AVX2 static inline double hsum(__m256d v) {
    __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    lo = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

// Four rows at a time, two accumulators per row: x is loaded once per four rows.
RK_AVX2 static void gemv_n_avx2(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    int i = 0;
    int n8 = n & ~7, n4 = n & ~3;
    for (; i + 4 <= m; i += 4) {
        const double *r0 = a + (size_t)i * lda, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
        __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd(), s2 = _mm256_setzero_pd(), s3 = _mm256_setzero_pd();
        __m256d t0 = _mm256_setzero_pd(), t1 = _mm256_setzero_pd(), t2 = _mm256_setzero_pd(), t3 = _mm256_setzero_pd();
        int j = 0;
        for (; j < n8; j += 8) {
            __m256d xa = _mm256_loadu_pd(x + j), xb = _mm256_loadu_pd(x + j + 4);
            s0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), xa, s0); t0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j + 4), xb, t0);
            s1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j), xa, s1); t1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j + 4), xb, t1);
            s2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j), xa, s2); t2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j + 4), xb, t2);
            s3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j), xa, s3); t3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j + 4), xb, t3);
        }
        for (; j < n4; j += 4) {
            __m256d xa = _mm256_loadu_pd(x + j);
            s0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), xa, s0);
            s1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j), xa, s1);
            s2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j), xa, s2);
            s3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j), xa, s3);
        }
        double d0 = hsum(_mm256_add_pd(s0, t0)), d1 = hsum(_mm256_add_pd(s1, t1));
        double d2 = hsum(_mm256_add_pd(s2, t2)), d3 = hsum(_mm256_add_pd(s3, t3));
        for (; j < n; j++) { d0 += r0[j] * x[j]; d1 += r1[j] * x[j]; d2 += r2[j] * x[j]; d3 += r3[j] * x[j]; }
        y[i] += alpha * d0; y[i + 1] += alpha * d1; y[i + 2] += alpha * d2; y[i + 3] += alpha * d3;
    }
    for (; i < m; i++) {
        const double *r0 = a + (size_t)i * lda;
        __m256d s0 = _mm256_setzero_pd();
        int j = 0;
        for (; j < n4; j += 4) s0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), _mm256_loadu_pd(x + j), s0);
        double d0 = hsum(s0);
        for (; j < n; j++) d0 += r0[j] * x[j];
        y[i] += alpha * d0;
    }
}
#endif

void rk_gemv_n(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y) {
    scale_vector(m, beta, y);
    if (m <= 0 || n <= 0) return;
#if RK_X86
    if (rk_has_avx2()) { gemv_n_avx2(m, n, alpha, a, lda, x, y); return; }
#endif
    gemv_n_generic(m, n, alpha, a, lda, x, y);
}

// ---------------------------------------------------------------- matrix-vector, y += A^T x

static void gemv_t_generic(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    for (int i = 0; i < m; i++) {
        const double *row = a + (size_t)i * lda;
        double s = alpha * x[i];
        for (int j = 0; j < n; j++) y[j] += s * row[j];
    }
}

#if RK_X86
// Rows in groups of four: each chunk of y is loaded and stored once per four rows.
RK_AVX2 static void gemv_t_avx2(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    int i = 0, n4 = n & ~3;
    for (; i + 4 <= m; i += 4) {
        const double *r0 = a + (size_t)i * lda, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
        double c0 = alpha * x[i], c1 = alpha * x[i + 1], c2 = alpha * x[i + 2], c3 = alpha * x[i + 3];
        __m256d v0 = _mm256_set1_pd(c0), v1 = _mm256_set1_pd(c1), v2 = _mm256_set1_pd(c2), v3 = _mm256_set1_pd(c3);
        int j = 0;
        for (; j < n4; j += 4) {
            __m256d acc = _mm256_loadu_pd(y + j);
            acc = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), v0, acc);
            acc = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j), v1, acc);
            acc = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j), v2, acc);
            acc = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j), v3, acc);
            _mm256_storeu_pd(y + j, acc);
        }
        for (; j < n; j++) y[j] += r0[j] * c0 + r1[j] * c1 + r2[j] * c2 + r3[j] * c3;
    }
    for (; i < m; i++) {
        const double *r0 = a + (size_t)i * lda;
        double c0 = alpha * x[i];
        __m256d v0 = _mm256_set1_pd(c0);
        int j = 0;
        for (; j < n4; j += 4) _mm256_storeu_pd(y + j, _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), v0, _mm256_loadu_pd(y + j)));
        for (; j < n; j++) y[j] += r0[j] * c0;
    }
}
#endif

void rk_gemv_t(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y) {
    scale_vector(n, beta, y);
    if (m <= 0 || n <= 0) return;
#if RK_X86
    if (rk_has_avx2()) { gemv_t_avx2(m, n, alpha, a, lda, x, y); return; }
#endif
    gemv_t_generic(m, n, alpha, a, lda, x, y);
}

// ---------------------------------------------------------------- matrix-matrix

// op(A) is packed into panels of MR rows and op(B) into panels of NR columns, k-major, zero
// padded, so that one micro-kernel serves every transposition.
enum { MR = 4, NR = 8 };

static inline double elem(const double *a, int ld, int trans, int r, int c) {
    return trans ? a[(size_t)c * ld + r] : a[(size_t)r * ld + c];
}

static void pack_a(int trans, const double *a, int lda, int row0, int rows, int k, double *dst) {
    for (int p = 0; p < k; p++)
        for (int r = 0; r < MR; r++) dst[p * MR + r] = r < rows ? elem(a, lda, trans, row0 + r, p) : 0.0;
}

static void pack_b(int trans, const double *b, int ldb, int col0, int cols, int k, double *dst) {
    for (int p = 0; p < k; p++)
        for (int c = 0; c < NR; c++) dst[p * NR + c] = c < cols ? elem(b, ldb, trans, p, col0 + c) : 0.0;
}

static void micro_generic(int k, const double *pa, const double *pb, double *acc) {
    memset(acc, 0, sizeof(double) * MR * NR);
    for (int p = 0; p < k; p++)
        for (int r = 0; r < MR; r++)
            for (int c = 0; c < NR; c++) acc[r * NR + c] += pa[p * MR + r] * pb[p * NR + c];
}

#if RK_X86
RK_AVX2 static void micro_avx2(int k, const double *pa, const double *pb, double *acc) {
    __m256d c00 = _mm256_setzero_pd(), c01 = _mm256_setzero_pd(), c10 = _mm256_setzero_pd(), c11 = _mm256_setzero_pd();
    __m256d c20 = _mm256_setzero_pd(), c21 = _mm256_setzero_pd(), c30 = _mm256_setzero_pd(), c31 = _mm256_setzero_pd();
    for (int p = 0; p < k; p++) {
        __m256d b0 = _mm256_loadu_pd(pb + p * NR), b1 = _mm256_loadu_pd(pb + p * NR + 4);
        __m256d a0 = _mm256_broadcast_sd(pa + p * MR), a1 = _mm256_broadcast_sd(pa + p * MR + 1);
        c00 = _mm256_fmadd_pd(a0, b0, c00); c01 = _mm256_fmadd_pd(a0, b1, c01);
        c10 = _mm256_fmadd_pd(a1, b0, c10); c11 = _mm256_fmadd_pd(a1, b1, c11);
        __m256d a2 = _mm256_broadcast_sd(pa + p * MR + 2), a3 = _mm256_broadcast_sd(pa + p * MR + 3);
        c20 = _mm256_fmadd_pd(a2, b0, c20); c21 = _mm256_fmadd_pd(a2, b1, c21);
        c30 = _mm256_fmadd_pd(a3, b0, c30); c31 = _mm256_fmadd_pd(a3, b1, c31);
    }
    _mm256_storeu_pd(acc, c00); _mm256_storeu_pd(acc + 4, c01);
    _mm256_storeu_pd(acc + 8, c10); _mm256_storeu_pd(acc + 12, c11);
    _mm256_storeu_pd(acc + 16, c20); _mm256_storeu_pd(acc + 20, c21);
    _mm256_storeu_pd(acc + 24, c30); _mm256_storeu_pd(acc + 28, c31);
}
#endif

void rk_gemm(int transA, int transB, int m, int n, int k, double alpha,
             const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    if (m <= 0 || n <= 0) return;
    for (int i = 0; i < m; i++) scale_vector(n, beta, c + (size_t)i * ldc);
    if (k <= 0 || alpha == 0.0) return;
    int use_avx2 = rk_has_avx2();
    int npanels = (n + NR - 1) / NR;
    double *pb = malloc(sizeof(double) * (size_t)npanels * NR * k);
    double *pa = malloc(sizeof(double) * (size_t)MR * k);
    if (!pb || !pa) abort();  // out of memory: nothing sensible to do in a kernel
    for (int jp = 0; jp < npanels; jp++) {
        int col0 = jp * NR, cols = n - col0 < NR ? n - col0 : NR;
        pack_b(transB, b, ldb, col0, cols, k, pb + (size_t)jp * NR * k);
    }
    double acc[MR * NR];
    for (int row0 = 0; row0 < m; row0 += MR) {
        int rows = m - row0 < MR ? m - row0 : MR;
        pack_a(transA, a, lda, row0, rows, k, pa);
        for (int jp = 0; jp < npanels; jp++) {
            int col0 = jp * NR, cols = n - col0 < NR ? n - col0 : NR;
#if RK_X86
            if (use_avx2) micro_avx2(k, pa, pb + (size_t)jp * NR * k, acc);
            else micro_generic(k, pa, pb + (size_t)jp * NR * k, acc);
#else
            (void)use_avx2;
            micro_generic(k, pa, pb + (size_t)jp * NR * k, acc);
#endif
            for (int r = 0; r < rows; r++) {
                double *crow = c + (size_t)(row0 + r) * ldc + col0;
                for (int cc = 0; cc < cols; cc++) crow[cc] += alpha * acc[r * NR + cc];
            }
        }
    }
    free(pa);
    free(pb);
}

// ---------------------------------------------------------------- largest magnitude

static double amax_generic(int n, const double *x) {
    double m = 0;
    for (int i = 0; i < n; i++) {
        double v = x[i] < 0 ? -x[i] : x[i];
        if (v != v) return v;
        if (v > m) m = v;
    }
    return m;
}

#if RK_X86
RK_AVX2 static double amax_avx2(int n, const double *x) {
    __m256d sign = _mm256_set1_pd(-0.0), m = _mm256_setzero_pd(), nan = _mm256_setzero_pd();
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d v = _mm256_andnot_pd(sign, _mm256_loadu_pd(x + i));
        nan = _mm256_or_pd(nan, _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
        m = _mm256_max_pd(m, v);
    }
    if (_mm256_movemask_pd(nan)) return __builtin_nan("");
    double buf[4];
    _mm256_storeu_pd(buf, m);
    double r = buf[0];
    for (int k = 1; k < 4; k++) if (buf[k] > r) r = buf[k];
    double tail = amax_generic(n - i, x + i);
    if (tail != tail) return tail;
    return tail > r ? tail : r;
}
#endif

double rk_amax(int n, const double *x) {
    if (n <= 0) return 0;
#if RK_X86
    if (rk_has_avx2()) return amax_avx2(n, x);
#endif
    return amax_generic(n, x);
}
