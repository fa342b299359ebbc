// rnnlab's dense kernels. See include/RNNKernels.h.
//
// Why not the system BLAS: Debian's OpenBLAS 0.3.21 does not recognise current Xeons and falls
// back to its SSE3 (Prescott) kernels, and its idle worker threads spin on sched_yield; the
// products here are small enough that compact kernels do better, and fixed summation orders make
// every run reproducible. Three paths, chosen once at run time: AVX-512, AVX2/FMA and generic C.
#include "RNNKernels.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RK_X86 1
#include <immintrin.h>
#define RK_AVX2 __attribute__((target("avx2,fma")))
#define RK_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
#define RK_INLINE inline __attribute__((always_inline))
#else
#define RK_X86 0
#endif

enum { LEVEL_GENERIC = 0, LEVEL_AVX2 = 1, LEVEL_AVX512 = 2 };

// The best instruction set this CPU has, capped by RNNLAB_KERNELS=generic|avx2 (the tests compare
// the paths against each other).
static int rk_level(void) {
    static int cached = -1;  // every thread computes the same value, so a race is harmless
    int known = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (known >= 0) return known;
    int level = LEVEL_GENERIC;
#if RK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        level = LEVEL_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512vl"))
            level = LEVEL_AVX512;
    }
#endif
    const char *forced = getenv("RNNLAB_KERNELS");
    if (forced && strcmp(forced, "generic") == 0) level = LEVEL_GENERIC;
    if (forced && strcmp(forced, "avx2") == 0 && level > LEVEL_AVX2) level = LEVEL_AVX2;
    __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    return level;
}

const char *rk_isa(void) {
    switch (rk_level()) {
    case LEVEL_AVX512: return "avx512";
    case LEVEL_AVX2: return "avx2+fma";
    default: return "generic";
    }
}

static void scale_vector(int n, double beta, double *y) {
    if (beta == 1.0) return;
    if (beta == 0.0) { memset(y, 0, (size_t)n * sizeof(double)); return; }
    for (int i = 0; i < n; i++) y[i] *= beta;
}

// ---------------------------------------------------------------- a second core for big products
//
// One helper thread, started on first use, takes half of a large matrix product while the caller
// does the other half. Work is split at fixed boundaries, so the numbers never depend on timing or
// on whether the helper was free (a busy helper means the caller does both halves itself).
// RNNLAB_THREADS=1 keeps everything on the calling thread.

typedef void (*rk_task)(void *);

static pthread_mutex_t helper_owner = PTHREAD_MUTEX_INITIALIZER;  // held by the caller using it
static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t helper_wake = PTHREAD_COND_INITIALIZER;
static rk_task helper_task;
static void *helper_arg;
static int helper_pending, helper_finished;
static int helper_available;
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;

static void *helper_main(void *unused) {
    (void)unused;
    pthread_mutex_lock(&helper_lock);
    for (;;) {
        while (!helper_pending) pthread_cond_wait(&helper_wake, &helper_lock);
        rk_task task = helper_task;
        void *arg = helper_arg;
        pthread_mutex_unlock(&helper_lock);
        task(arg);
        pthread_mutex_lock(&helper_lock);
        helper_pending = 0;
        helper_finished = 1;
        pthread_cond_broadcast(&helper_wake);
    }
    return NULL;
}

static void start_helper(void) {
    const char *threads = getenv("RNNLAB_THREADS");
    if (threads && atoi(threads) == 1) return;
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) return;
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) != 0) return;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, helper_main, NULL) == 0) helper_available = 1;
    pthread_attr_destroy(&attr);
}

int rk_threads(void) {
    pthread_once(&helper_once, start_helper);
    return helper_available ? 2 : 1;
}

// Runs task(mine) here and task(theirs) on the helper at the same time, or both here in turn.
static void run_both(rk_task task, void *mine, void *theirs) {
    if (rk_threads() < 2 || pthread_mutex_trylock(&helper_owner) != 0) {
        task(mine);
        task(theirs);
        return;
    }
    pthread_mutex_lock(&helper_lock);
    helper_task = task;
    helper_arg = theirs;
    helper_finished = 0;
    helper_pending = 1;
    pthread_cond_broadcast(&helper_wake);
    pthread_mutex_unlock(&helper_lock);
    task(mine);
    pthread_mutex_lock(&helper_lock);
    while (!helper_finished) pthread_cond_wait(&helper_wake, &helper_lock);
    pthread_mutex_unlock(&helper_lock);
    pthread_mutex_unlock(&helper_owner);
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

// hsum of four vectors at once, as [hsum(v0), hsum(v1), hsum(v2), hsum(v3)]: the same additions
// (upper half onto lower, then the two that remain), so the same bits, but a row group's sums
// share their shuffles instead of taking three dependent steps each.
RK_AVX2 static inline __m256d hsum4(__m256d v0, __m256d v1, __m256d v2, __m256d v3) {
    // [lo(v0) + hi(v0), lo(v1) + hi(v1)], likewise for v2, v3
    __m256d w01 = _mm256_add_pd(_mm256_permute2f128_pd(v0, v1, 0x20), _mm256_permute2f128_pd(v0, v1, 0x31));
    __m256d w23 = _mm256_add_pd(_mm256_permute2f128_pd(v2, v3, 0x20), _mm256_permute2f128_pd(v2, v3, 0x31));
    // hadd gives [Σ w0, Σ w2, Σ w1, Σ w3]; put them in row order
    return _mm256_permute4x64_pd(_mm256_hadd_pd(w01, w23), _MM_SHUFFLE(3, 1, 2, 0));
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
        if (j == n) {  // no columns left over: y[i…i+3] += alpha · sums, fused as below
            __m256d d = hsum4(_mm256_add_pd(s0, t0), _mm256_add_pd(s1, t1), _mm256_add_pd(s2, t2), _mm256_add_pd(s3, t3));
            _mm256_storeu_pd(y + i, _mm256_fmadd_pd(_mm256_set1_pd(alpha), d, _mm256_loadu_pd(y + i)));
            continue;
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

static inline __mmask8 tail_mask(int count) { return (__mmask8)((1u << count) - 1u); }

// [reduce(s[0]), …, reduce(s[7])] for _mm512_reduce_add_pd's order (upper half onto lower, then
// the upper quarter, then the last two), eight rows at once: the same additions, so the same
// bits, but 3 shuffle-and-add rounds for the group instead of 3 dependent rounds per row.
RK_AVX512 static inline __m512d reduce8(const __m512d s[8]) {
    __m512d u[4];  // u[k] = [lo(s[2k]) + hi(s[2k]), lo(s[2k+1]) + hi(s[2k+1])], 4 lanes each
    for (int k = 0; k < 4; k++)
        u[k] = _mm512_add_pd(_mm512_shuffle_f64x2(s[2 * k], s[2 * k + 1], 0x44),
                             _mm512_shuffle_f64x2(s[2 * k], s[2 * k + 1], 0xEE));
    // t0123 = [t0, t1, t2, t3], t_q = its 4 lanes' lower pair + upper pair (2 lanes each)
    __m512d t0123 = _mm512_add_pd(_mm512_shuffle_f64x2(u[0], u[1], 0x88), _mm512_shuffle_f64x2(u[0], u[1], 0xDD));
    __m512d t4567 = _mm512_add_pd(_mm512_shuffle_f64x2(u[2], u[3], 0x88), _mm512_shuffle_f64x2(u[2], u[3], 0xDD));
    // [r0, r4, r1, r5, r2, r6, r3, r7], r_q = t_q[0] + t_q[1]; then in row order
    __m512d r = _mm512_add_pd(_mm512_unpacklo_pd(t0123, t4567), _mm512_unpackhi_pd(t0123, t4567));
    return _mm512_permutexvar_pd(_mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7), r);
}

// Eight rows at a time, one accumulator per row (eight independent chains), x loaded once per
// eight rows; the last partial chunk of each row is a masked load.
RK_AVX512 static void gemv_n_avx512(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    int n8 = n & ~7;
    __mmask8 tail = tail_mask(n - n8);
    int i = 0;
    for (; i + 8 <= m; i += 8) {
        const double *r = a + (size_t)i * lda;
        __m512d s[8];  // constant-trip loops over q unroll fully; s stays in registers
        for (int q = 0; q < 8; q++) s[q] = _mm512_setzero_pd();
        for (int j = 0; j < n8; j += 8) {
            __m512d xv = _mm512_loadu_pd(x + j);
            for (int q = 0; q < 8; q++) s[q] = _mm512_fmadd_pd(_mm512_loadu_pd(r + q * (size_t)lda + j), xv, s[q]);
        }
        if (tail) {
            __m512d xv = _mm512_maskz_loadu_pd(tail, x + n8);
            for (int q = 0; q < 8; q++)
                s[q] = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, r + q * (size_t)lda + n8), xv, s[q]);
        }
        // y += alpha · sum as one fused multiply-add per row, as the compiler contracted it before
        _mm512_storeu_pd(y + i, _mm512_fmadd_pd(_mm512_set1_pd(alpha), reduce8(s), _mm512_loadu_pd(y + i)));
    }
    for (; i < m; i++) {
        const double *r = a + (size_t)i * lda;
        __m512d s = _mm512_setzero_pd();
        for (int j = 0; j < n8; j += 8) s = _mm512_fmadd_pd(_mm512_loadu_pd(r + j), _mm512_loadu_pd(x + j), s);
        if (tail) s = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, r + n8), _mm512_maskz_loadu_pd(tail, x + n8), s);
        y[i] += alpha * _mm512_reduce_add_pd(s);
    }
}
#endif

void rk_gemv_n(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y) {
    scale_vector(m, beta, y);
    if (m <= 0 || n <= 0) return;
#if RK_X86
    switch (rk_level()) {
    case LEVEL_AVX512: gemv_n_avx512(m, n, alpha, a, lda, x, y); return;
    case LEVEL_AVX2: gemv_n_avx2(m, n, alpha, a, lda, x, y); return;
    }
#endif
    gemv_n_generic(m, n, alpha, a, lda, x, y);
}

// ---------------------------------------------------------------- matrix-vector, y += A^T x
//
// Every path adds the rows' contributions to each y_j in row order, one fused multiply-add per
// row, so the AVX2 and AVX-512 paths give the same bits.

static void gemv_t_generic(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    for (int i = 0; i < m; i++) {
        const double *row = a + (size_t)i * lda;
        double s = alpha * x[i];
        for (int j = 0; j < n; j++) y[j] += s * row[j];
    }
}

#if RK_X86

// y_j for the columns of one block, held in `nv` registers (and `tail` scalars for the last
// columns of a width that is not a multiple of 4: AMD's masked AVX2 stores are slow) while all m
// rows stream past: each y_j is loaded and stored once, and its chain of m fused multiply-adds
// never waits on a store. `nv` and `tail` are constants at every call (see the switch below), so
// the loops unroll and only columns that exist do any work (a small cell's 4H × H matrix needs
// a few registers, not eight).
RK_AVX2 static RK_INLINE void gemv_t_block_avx2(int nv, int tail, int m, double alpha, const double *a,
                                                int lda, const double *x, double *y) {
    __m256d acc[8];
    double rest[3];
    for (int q = 0; q < nv; q++) acc[q] = _mm256_loadu_pd(y + 4 * q);
    for (int c = 0; c < tail; c++) rest[c] = y[4 * nv + c];
    for (int i = 0; i < m; i++, a += lda) {
        double s = alpha * x[i];
        __m256d v = _mm256_set1_pd(s);
        for (int q = 0; q < nv; q++) acc[q] = _mm256_fmadd_pd(_mm256_loadu_pd(a + 4 * q), v, acc[q]);
        for (int c = 0; c < tail; c++) rest[c] = __builtin_fma(a[4 * nv + c], s, rest[c]);
    }
    for (int q = 0; q < nv; q++) _mm256_storeu_pd(y + 4 * q, acc[q]);
    for (int c = 0; c < tail; c++) y[4 * nv + c] = rest[c];
}

// Columns in blocks of up to 32 (eight registers), each block one pass over the rows.
RK_AVX2 static void gemv_t_avx2(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    for (int j0 = 0; j0 < n; j0 += 32) {
        int width = n - j0 < 32 ? n - j0 : 32;
        const double *r = a + j0;
        double *yb = y + j0;
#define RK_BLOCK(nv, tail) \
    case 4 * nv + tail: gemv_t_block_avx2(nv, tail, m, alpha, r, lda, x, yb); break;
#define RK_BLOCKS(nv) RK_BLOCK(nv, 0) RK_BLOCK(nv, 1) RK_BLOCK(nv, 2) RK_BLOCK(nv, 3)
        switch (width) {
            RK_BLOCK(0, 1) RK_BLOCK(0, 2) RK_BLOCK(0, 3)
            RK_BLOCKS(1) RK_BLOCKS(2) RK_BLOCKS(3) RK_BLOCKS(4) RK_BLOCKS(5) RK_BLOCKS(6) RK_BLOCKS(7)
            RK_BLOCK(8, 0)
        }
#undef RK_BLOCKS
#undef RK_BLOCK
    }
}

// The AVX-512 form of gemv_t_block_avx2: up to eight registers of eight columns.
RK_AVX512 static RK_INLINE void gemv_t_block_avx512(int nv, __mmask8 last, int m, double alpha, const double *a,
                                                    int lda, const double *x, double *y) {
    __m512d acc[8];
    for (int q = 0; q < nv - 1; q++) acc[q] = _mm512_loadu_pd(y + 8 * q);
    acc[nv - 1] = _mm512_maskz_loadu_pd(last, y + 8 * (nv - 1));
    for (int i = 0; i < m; i++, a += lda) {
        __m512d v = _mm512_set1_pd(alpha * x[i]);
        for (int q = 0; q < nv - 1; q++) acc[q] = _mm512_fmadd_pd(_mm512_loadu_pd(a + 8 * q), v, acc[q]);
        acc[nv - 1] = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(last, a + 8 * (nv - 1)), v, acc[nv - 1]);
    }
    for (int q = 0; q < nv - 1; q++) _mm512_storeu_pd(y + 8 * q, acc[q]);
    _mm512_mask_storeu_pd(y + 8 * (nv - 1), last, acc[nv - 1]);
}

// Columns in blocks of up to 64 (eight registers), each block one pass over the rows.
RK_AVX512 static void gemv_t_avx512(int m, int n, double alpha, const double *a, int lda, const double *x, double *y) {
    for (int j0 = 0; j0 < n; j0 += 64) {
        int width = n - j0 < 64 ? n - j0 : 64, nv = (width + 7) / 8;
        __mmask8 last = tail_mask(width - 8 * (nv - 1));
        const double *r = a + j0;
        double *yb = y + j0;
        switch (nv) {
        case 1: gemv_t_block_avx512(1, last, m, alpha, r, lda, x, yb); break;
        case 2: gemv_t_block_avx512(2, last, m, alpha, r, lda, x, yb); break;
        case 3: gemv_t_block_avx512(3, last, m, alpha, r, lda, x, yb); break;
        case 4: gemv_t_block_avx512(4, last, m, alpha, r, lda, x, yb); break;
        case 5: gemv_t_block_avx512(5, last, m, alpha, r, lda, x, yb); break;
        case 6: gemv_t_block_avx512(6, last, m, alpha, r, lda, x, yb); break;
        case 7: gemv_t_block_avx512(7, last, m, alpha, r, lda, x, yb); break;
        default: gemv_t_block_avx512(8, last, m, alpha, r, lda, x, yb); break;
        }
    }
}
#endif

void rk_gemv_t(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y) {
    scale_vector(n, beta, y);
    if (m <= 0 || n <= 0) return;
#if RK_X86
    switch (rk_level()) {
    case LEVEL_AVX512: gemv_t_avx512(m, n, alpha, a, lda, x, y); return;
    case LEVEL_AVX2: gemv_t_avx2(m, n, alpha, a, lda, x, y); return;
    }
#endif
    gemv_t_generic(m, n, alpha, a, lda, x, y);
}

// ---------------------------------------------------------------- matrix-matrix
//
// Blocked over k (KC steps at a time): op(A) is packed into panels of MR rows and op(B) into
// panels of NR columns, k-major and zero padded, so one micro-kernel serves every transposition;
// each block's MR x NR result is added into C. Each entry of C is therefore summed in the same
// order whichever rows a thread takes, so splitting rows between two threads changes no bits.

enum { KC = 256 };

// Each micro-kernel computes one MR x NR block of op(A) op(B) over k steps and adds alpha times
// it into the rows x cols corner of C that exists (edge blocks are smaller).
typedef void (*rk_micro)(int k, const double *pa, const double *pb, double *c, int ldc, double alpha,
                         int rows, int cols);

static void micro_generic(int k, const double *pa, const double *pb, double *c, int ldc, double alpha,
                          int rows, int cols) {
    enum { MR = 4, NR = 8 };
    double acc[MR * NR] = {0};
    for (int p = 0; p < k; p++)
        for (int r = 0; r < MR; r++)
            for (int q = 0; q < NR; q++) acc[r * NR + q] += pa[p * MR + r] * pb[p * NR + q];
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < cols; q++) c[(size_t)r * ldc + q] += alpha * acc[r * NR + q];
}

#if RK_X86
RK_AVX2 static void micro_avx2(int k, const double *pa, const double *pb, double *c, int ldc, double alpha,
                               int rows, int cols) {
    enum { MR = 4, NR = 8 };
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
    __m256d av = _mm256_set1_pd(alpha);
    if (rows == MR && cols == NR) {
        double *r0 = c, *r1 = c + ldc, *r2 = r1 + ldc, *r3 = r2 + ldc;
        _mm256_storeu_pd(r0, _mm256_fmadd_pd(av, c00, _mm256_loadu_pd(r0)));
        _mm256_storeu_pd(r0 + 4, _mm256_fmadd_pd(av, c01, _mm256_loadu_pd(r0 + 4)));
        _mm256_storeu_pd(r1, _mm256_fmadd_pd(av, c10, _mm256_loadu_pd(r1)));
        _mm256_storeu_pd(r1 + 4, _mm256_fmadd_pd(av, c11, _mm256_loadu_pd(r1 + 4)));
        _mm256_storeu_pd(r2, _mm256_fmadd_pd(av, c20, _mm256_loadu_pd(r2)));
        _mm256_storeu_pd(r2 + 4, _mm256_fmadd_pd(av, c21, _mm256_loadu_pd(r2 + 4)));
        _mm256_storeu_pd(r3, _mm256_fmadd_pd(av, c30, _mm256_loadu_pd(r3)));
        _mm256_storeu_pd(r3 + 4, _mm256_fmadd_pd(av, c31, _mm256_loadu_pd(r3 + 4)));
        return;
    }
    double acc[MR * NR];
    _mm256_storeu_pd(acc, c00); _mm256_storeu_pd(acc + 4, c01);
    _mm256_storeu_pd(acc + 8, c10); _mm256_storeu_pd(acc + 12, c11);
    _mm256_storeu_pd(acc + 16, c20); _mm256_storeu_pd(acc + 20, c21);
    _mm256_storeu_pd(acc + 24, c30); _mm256_storeu_pd(acc + 28, c31);
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < cols; q++) c[(size_t)r * ldc + q] = __builtin_fma(alpha, acc[r * NR + q], c[(size_t)r * ldc + q]);
}

// 8 x 16: sixteen accumulators, two loads of B and eight broadcasts of A per sixteen FMAs.
RK_AVX512 static void micro_avx512(int k, const double *pa, const double *pb, double *c, int ldc, double alpha,
                                   int rows, int cols) {
    enum { MR = 8, NR = 16 };
    __m512d c00 = _mm512_setzero_pd(), c01 = _mm512_setzero_pd(), c10 = _mm512_setzero_pd(), c11 = _mm512_setzero_pd();
    __m512d c20 = _mm512_setzero_pd(), c21 = _mm512_setzero_pd(), c30 = _mm512_setzero_pd(), c31 = _mm512_setzero_pd();
    __m512d c40 = _mm512_setzero_pd(), c41 = _mm512_setzero_pd(), c50 = _mm512_setzero_pd(), c51 = _mm512_setzero_pd();
    __m512d c60 = _mm512_setzero_pd(), c61 = _mm512_setzero_pd(), c70 = _mm512_setzero_pd(), c71 = _mm512_setzero_pd();
    for (int p = 0; p < k; p++) {
        const double *ap = pa + p * MR;
        __m512d b0 = _mm512_loadu_pd(pb + p * NR), b1 = _mm512_loadu_pd(pb + p * NR + 8);
#define RK_FMA_ROW(r)                                                                              \
    {                                                                                              \
        __m512d a = _mm512_set1_pd(ap[r]);                                                         \
        c##r##0 = _mm512_fmadd_pd(a, b0, c##r##0);                                                 \
        c##r##1 = _mm512_fmadd_pd(a, b1, c##r##1);                                                 \
    }
        RK_FMA_ROW(0) RK_FMA_ROW(1) RK_FMA_ROW(2) RK_FMA_ROW(3)
        RK_FMA_ROW(4) RK_FMA_ROW(5) RK_FMA_ROW(6) RK_FMA_ROW(7)
#undef RK_FMA_ROW
    }
    // Add into C: the columns that exist are a mask, the rows that exist a count.
    __mmask8 m0 = cols >= 8 ? (__mmask8)0xff : tail_mask(cols);
    __mmask8 m1 = cols >= 16 ? (__mmask8)0xff : cols <= 8 ? (__mmask8)0 : tail_mask(cols - 8);
    __m512d av = _mm512_set1_pd(alpha);
#define RK_ADD_ROW(r, lo, hi)                                                                      \
    if (rows > r) {                                                                                \
        double *row = c + (size_t)(r) * ldc;                                                       \
        _mm512_mask_storeu_pd(row, m0, _mm512_fmadd_pd(av, lo, _mm512_maskz_loadu_pd(m0, row)));     \
        _mm512_mask_storeu_pd(row + 8, m1, _mm512_fmadd_pd(av, hi, _mm512_maskz_loadu_pd(m1, row + 8))); \
    }
    RK_ADD_ROW(0, c00, c01) RK_ADD_ROW(1, c10, c11) RK_ADD_ROW(2, c20, c21) RK_ADD_ROW(3, c30, c31)
    RK_ADD_ROW(4, c40, c41) RK_ADD_ROW(5, c50, c51) RK_ADD_ROW(6, c60, c61) RK_ADD_ROW(7, c70, c71)
#undef RK_ADD_ROW
}
#endif

typedef struct {
    int transA, transB, m, n, k;
    double alpha;
    const double *a, *b;
    int lda, ldb, ldc;
    double *c;
    int row0, row1;  // the rows of C this share computes
} gemm_share;

// Copies `count` values into a panel slot of `width` and zero-fills the rest of it.
static inline void put(double *dst, const double *src, int count, int width) {
    if (count == 16) { memcpy(dst, src, 16 * sizeof(double)); return; }  // fixed sizes inline
    if (count == 8) { memcpy(dst, src, 8 * sizeof(double)); return; }
    if (count == 4) { memcpy(dst, src, 4 * sizeof(double)); return; }
    int q = 0;
    for (; q < count; q++) dst[q] = src[q];
    for (; q < width; q++) dst[q] = 0.0;
}

// Packs rows [row0, row0 + rows) of op(A), steps [p0, p0 + kc), as panels of mr rows:
// panel ip holds op(A)[row0 + ip·mr + r][p0 + p] at [p·mr + r], zero padded past the last row.
static void pack_a(const gemm_share *g, int row0, int rows, int p0, int kc, int mr, double *dst) {
    int panels = (rows + mr - 1) / mr;
    if (g->transA) {  // op(A)[r][p] = a[p][r]: each step's values are contiguous in a
        for (int p = 0; p < kc; p++) {
            const double *src = g->a + (size_t)(p0 + p) * g->lda + row0;
            for (int ip = 0; ip < panels; ip++) {
                int count = rows - ip * mr < mr ? rows - ip * mr : mr;
                put(dst + (size_t)ip * mr * kc + (size_t)p * mr, src + ip * mr, count, mr);
            }
        }
    } else {
        for (int ip = 0; ip < panels; ip++) {
            double *panel = dst + (size_t)ip * mr * kc;
            int count = rows - ip * mr < mr ? rows - ip * mr : mr;
            if (count < mr) memset(panel, 0, sizeof(double) * (size_t)mr * kc);
            for (int r = 0; r < count; r++) {
                const double *src = g->a + (size_t)(row0 + ip * mr + r) * g->lda + p0;
                for (int p = 0; p < kc; p++) panel[(size_t)p * mr + r] = src[p];
            }
        }
    }
}

// Packs all n columns of op(B), steps [p0, p0 + kc), as panels of nr columns (the same way).
static void pack_b(const gemm_share *g, int p0, int kc, int nr, double *dst) {
    int n = g->n, panels = (n + nr - 1) / nr;
    if (g->transB) {  // op(B)[p][c] = b[c][p]
        for (int jp = 0; jp < panels; jp++) {
            double *panel = dst + (size_t)jp * nr * kc;
            int count = n - jp * nr < nr ? n - jp * nr : nr;
            if (count < nr) memset(panel, 0, sizeof(double) * (size_t)nr * kc);
            for (int c = 0; c < count; c++) {
                const double *src = g->b + (size_t)(jp * nr + c) * g->ldb + p0;
                for (int p = 0; p < kc; p++) panel[(size_t)p * nr + c] = src[p];
            }
        }
    } else {
        for (int p = 0; p < kc; p++) {
            const double *src = g->b + (size_t)(p0 + p) * g->ldb;
            for (int jp = 0; jp < panels; jp++) {
                int count = n - jp * nr < nr ? n - jp * nr : nr;
                put(dst + (size_t)jp * nr * kc + (size_t)p * nr, src + jp * nr, count, nr);
            }
        }
    }
}

static void gemm_share_run(void *arg) {
    const gemm_share *g = arg;
    int rows = g->row1 - g->row0;
    if (rows <= 0) return;
    int mr = 4, nr = 8;
    rk_micro micro = micro_generic;
#if RK_X86
    switch (rk_level()) {
    case LEVEL_AVX512: mr = 8; nr = 16; micro = micro_avx512; break;
    case LEVEL_AVX2: micro = micro_avx2; break;
    }
#endif
    int kblock = g->k < KC ? g->k : KC;
    int apanels = (rows + mr - 1) / mr, bpanels = (g->n + nr - 1) / nr;
    double *pa = malloc(sizeof(double) * (size_t)apanels * mr * kblock);
    double *pb = malloc(sizeof(double) * (size_t)bpanels * nr * kblock);
    if (!pa || !pb) abort();  // out of memory: nothing sensible to do in a kernel
    for (int p0 = 0; p0 < g->k; p0 += KC) {
        int kc = g->k - p0 < KC ? g->k - p0 : KC;
        pack_b(g, p0, kc, nr, pb);
        pack_a(g, g->row0, rows, p0, kc, mr, pa);
        for (int ip = 0; ip < apanels; ip++) {
            int r0 = ip * mr, rcount = rows - r0 < mr ? rows - r0 : mr;
            for (int jp = 0; jp < bpanels; jp++) {
                int c0 = jp * nr, ccount = g->n - c0 < nr ? g->n - c0 : nr;
                micro(kc, pa + (size_t)ip * mr * kc, pb + (size_t)jp * nr * kc,
                      g->c + (size_t)(g->row0 + r0) * g->ldc + c0, g->ldc, g->alpha, rcount, ccount);
            }
        }
    }
    free(pa);
    free(pb);
}

// ---------------------------------------------------------------- small products in place
//
// A small model's products (a sequence's input projections and weight gradients: T × 4H × X and
// the like, thousands to a few hundred thousand multiply-adds) are over before packing pays:
// packing both operands into zero-padded 8 × 16 panels, with two mallocs, cost as much as the
// arithmetic, and a narrow C (X = 1 … 8 columns) was mostly padding. Here op(A) is read in place
// (its entries are only broadcast, or loaded down a column when A is transposed, so two strides
// describe it: op(A)(r, p) = a[r·ars + p·aps]), and so is op(B) when it is not transposed (its
// rows are contiguous); a transposed B is first copied into row-major op(B).
//
// Each entry of C is the same sum as in the packed path, in the same order: a chain of fused
// multiply-adds over p from zero for each block of KC steps in turn, then C += alpha · sum with
// one fused multiply-add. The tile shapes only decide which entries are computed together, so
// both paths, and the AVX2 and AVX-512 tiles, give the same bits.

#if RK_X86
// Rows [0, mr) × columns [0, 8·(nv − 1) + lanes of `last`) of C: one register per row and chunk of
// eight columns, B's row p loaded once per p and each op(A)(r, p) broadcast.
RK_AVX512 static RK_INLINE void rows_tile_avx512(int mr, int nv, __mmask8 last, int kc, const double *a, int ars,
                                                 int aps, const double *b, int ldb, double alpha, double *c, int ldc) {
    __m512d acc[8][2];
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = _mm512_setzero_pd();
    for (int p = 0; p < kc; p++, a += aps, b += ldb) {
        __m512d bv[2];
        for (int v = 0; v < nv; v++) bv[v] = _mm512_maskz_loadu_pd(v == nv - 1 ? last : 0xff, b + 8 * v);
        for (int r = 0; r < mr; r++) {
            __m512d av = _mm512_set1_pd(a[r * ars]);
            for (int v = 0; v < nv; v++) acc[r][v] = _mm512_fmadd_pd(av, bv[v], acc[r][v]);
        }
    }
    __m512d al = _mm512_set1_pd(alpha);
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) {
            double *dst = c + (size_t)r * ldc + 8 * v;
            __mmask8 k = v == nv - 1 ? last : 0xff;
            _mm512_mask_storeu_pd(dst, k, _mm512_fmadd_pd(al, acc[r][v], _mm512_maskz_loadu_pd(k, dst)));
        }
}

// For a narrow C (fewer than 8 columns) with A transposed: `rv` registers of eight rows each
// (`masks` says which rows exist) per column, op(A)'s column p loaded down its rows and B's
// entries broadcast, so no lane works on a column that does not exist.
RK_AVX512 static RK_INLINE void columns_tile_avx512(int rv, int nc, const __mmask8 *masks, int kc, const double *a,
                                                    int aps, const double *b, int ldb, double alpha, double *c, int ldc) {
    __m512d acc[4][7];
    for (int v = 0; v < rv; v++)
        for (int j = 0; j < nc; j++) acc[v][j] = _mm512_setzero_pd();
    for (int p = 0; p < kc; p++, a += aps, b += ldb) {
        __m512d av[4];
        for (int v = 0; v < rv; v++) av[v] = _mm512_maskz_loadu_pd(masks[v], a + 8 * v);
        for (int j = 0; j < nc; j++) {
            __m512d bj = _mm512_set1_pd(b[j]);
            for (int v = 0; v < rv; v++) acc[v][j] = _mm512_fmadd_pd(av[v], bj, acc[v][j]);
        }
    }
    for (int v = 0; v < rv; v++) {
        int rows = __builtin_popcount(masks[v]);
        for (int j = 0; j < nc; j++) {
            double sum[8];
            _mm512_storeu_pd(sum, acc[v][j]);
            for (int r = 0; r < rows; r++) {
                double *dst = c + (size_t)(8 * v + r) * ldc + j;
                *dst = __builtin_fma(alpha, sum[r], *dst);
            }
        }
    }
}

RK_AVX512 static void direct_avx512(int m, int n, int kc, double alpha, const double *a, int ars, int aps,
                                    const double *b, int ldb, double *c, int ldc) {
    if (ars == 1 && n < 8) {
        for (int i0 = 0; i0 < m; i0 += 32) {
            int rows = m - i0 < 32 ? m - i0 : 32, rv = (rows + 7) / 8;
            __mmask8 masks[4];
            for (int v = 0; v < 4; v++) {
                int left = rows - 8 * v;
                masks[v] = left >= 8 ? (__mmask8)0xff : left <= 0 ? (__mmask8)0 : tail_mask(left);
            }
            const double *ai = a + i0;
            double *ci = c + (size_t)i0 * ldc;
#define RK_TILE(rv, nc) \
    case 8 * rv + nc: columns_tile_avx512(rv, nc, masks, kc, ai, aps, b, ldb, alpha, ci, ldc); break;
#define RK_TILES(rv) RK_TILE(rv, 1) RK_TILE(rv, 2) RK_TILE(rv, 3) RK_TILE(rv, 4) RK_TILE(rv, 5) RK_TILE(rv, 6) RK_TILE(rv, 7)
            switch (8 * rv + n) { RK_TILES(1) RK_TILES(2) RK_TILES(3) RK_TILES(4) }
#undef RK_TILES
#undef RK_TILE
        }
        return;
    }
    for (int j0 = 0; j0 < n; j0 += 16) {
        int width = n - j0 < 16 ? n - j0 : 16, nv = (width + 7) / 8;
        __mmask8 last = tail_mask(width - 8 * (nv - 1));
        for (int i0 = 0; i0 < m; i0 += 8) {
            int mr = m - i0 < 8 ? m - i0 : 8;
            const double *ai = a + (size_t)i0 * ars;
            const double *bj = b + j0;
            double *cij = c + (size_t)i0 * ldc + j0;
#define RK_TILE(mr, nv) \
    case 2 * mr + nv: rows_tile_avx512(mr, nv, last, kc, ai, ars, aps, bj, ldb, alpha, cij, ldc); break;
#define RK_TILES(mr) RK_TILE(mr, 1) RK_TILE(mr, 2)
            switch (2 * mr + nv) {
                RK_TILES(1) RK_TILES(2) RK_TILES(3) RK_TILES(4) RK_TILES(5) RK_TILES(6) RK_TILES(7) RK_TILES(8)
            }
#undef RK_TILES
#undef RK_TILE
        }
    }
}

// The AVX2 forms: rows [0, mr) × `nv` registers of four columns and `tail` single columns (AMD's
// masked AVX2 stores are slow, so a partial chunk is done one column at a time).
RK_AVX2 static RK_INLINE void rows_tile_avx2(int mr, int nv, int tail, int kc, const double *a, int ars, int aps,
                                             const double *b, int ldb, double alpha, double *c, int ldc) {
    __m256d acc[4][2];
    double rest[4][3];
    for (int r = 0; r < mr; r++) {
        for (int v = 0; v < nv; v++) acc[r][v] = _mm256_setzero_pd();
        for (int j = 0; j < tail; j++) rest[r][j] = 0.0;
    }
    for (int p = 0; p < kc; p++, a += aps, b += ldb) {
        __m256d bv[2];
        for (int v = 0; v < nv; v++) bv[v] = _mm256_loadu_pd(b + 4 * v);
        for (int r = 0; r < mr; r++) {
            double ar = a[r * ars];
            __m256d av = _mm256_set1_pd(ar);
            for (int v = 0; v < nv; v++) acc[r][v] = _mm256_fmadd_pd(av, bv[v], acc[r][v]);
            for (int j = 0; j < tail; j++) rest[r][j] = __builtin_fma(ar, b[4 * nv + j], rest[r][j]);
        }
    }
    __m256d al = _mm256_set1_pd(alpha);
    for (int r = 0; r < mr; r++) {
        double *row = c + (size_t)r * ldc;
        for (int v = 0; v < nv; v++)
            _mm256_storeu_pd(row + 4 * v, _mm256_fmadd_pd(al, acc[r][v], _mm256_loadu_pd(row + 4 * v)));
        for (int j = 0; j < tail; j++) row[4 * nv + j] = __builtin_fma(alpha, rest[r][j], row[4 * nv + j]);
    }
}

// Narrow C (fewer than 4 columns) with A transposed: `rv` registers of four rows each.
RK_AVX2 static RK_INLINE void columns_tile_avx2(int rv, int nc, const __m256i *masks, int kc, const double *a,
                                                int aps, const double *b, int ldb, double alpha, double *c, int ldc,
                                                int rows) {
    __m256d acc[4][3];
    for (int v = 0; v < rv; v++)
        for (int j = 0; j < nc; j++) acc[v][j] = _mm256_setzero_pd();
    for (int p = 0; p < kc; p++, a += aps, b += ldb) {
        __m256d av[4];
        for (int v = 0; v < rv; v++) av[v] = _mm256_maskload_pd(a + 4 * v, masks[v]);
        for (int j = 0; j < nc; j++) {
            __m256d bj = _mm256_set1_pd(b[j]);
            for (int v = 0; v < rv; v++) acc[v][j] = _mm256_fmadd_pd(av[v], bj, acc[v][j]);
        }
    }
    for (int v = 0; v < rv; v++)
        for (int j = 0; j < nc; j++) {
            double sum[4];
            _mm256_storeu_pd(sum, acc[v][j]);
            for (int r = 0; r < 4 && 4 * v + r < rows; r++) {
                double *dst = c + (size_t)(4 * v + r) * ldc + j;
                *dst = __builtin_fma(alpha, sum[r], *dst);
            }
        }
}

RK_AVX2 static void direct_avx2(int m, int n, int kc, double alpha, const double *a, int ars, int aps,
                                const double *b, int ldb, double *c, int ldc) {
    if (ars == 1 && n < 4) {
        for (int i0 = 0; i0 < m; i0 += 16) {
            int rows = m - i0 < 16 ? m - i0 : 16, rv = (rows + 3) / 4;
            __m256i masks[4];
            for (int v = 0; v < 4; v++) {
                int left = rows - 4 * v;
                masks[v] = _mm256_setr_epi64x(left > 0 ? -1 : 0, left > 1 ? -1 : 0, left > 2 ? -1 : 0, left > 3 ? -1 : 0);
            }
            const double *ai = a + i0;
            double *ci = c + (size_t)i0 * ldc;
#define RK_TILE(rv, nc) \
    case 4 * rv + nc: columns_tile_avx2(rv, nc, masks, kc, ai, aps, b, ldb, alpha, ci, ldc, rows); break;
#define RK_TILES(rv) RK_TILE(rv, 1) RK_TILE(rv, 2) RK_TILE(rv, 3)
            switch (4 * rv + n) { RK_TILES(1) RK_TILES(2) RK_TILES(3) RK_TILES(4) }
#undef RK_TILES
#undef RK_TILE
        }
        return;
    }
    for (int j0 = 0; j0 < n; j0 += 8) {
        int width = n - j0 < 8 ? n - j0 : 8;
        for (int i0 = 0; i0 < m; i0 += 4) {
            int mr = m - i0 < 4 ? m - i0 : 4;
            const double *ai = a + (size_t)i0 * ars;
            const double *bj = b + j0;
            double *cij = c + (size_t)i0 * ldc + j0;
#define RK_TILE(mr, width) \
    case 8 * mr + width: rows_tile_avx2(mr, width / 4, width % 4, kc, ai, ars, aps, bj, ldb, alpha, cij, ldc); break;
#define RK_TILES(mr) RK_TILE(mr, 1) RK_TILE(mr, 2) RK_TILE(mr, 3) RK_TILE(mr, 4) RK_TILE(mr, 5) RK_TILE(mr, 6) \
    RK_TILE(mr, 7) RK_TILE(mr, 8)
            switch (8 * mr + width) { RK_TILES(1) RK_TILES(2) RK_TILES(3) RK_TILES(4) }
#undef RK_TILES
#undef RK_TILE
        }
    }
}

// The outer product c_ij += alpha a_i b_j (a_i = a[i·as]) four columns at a time, as the generic
// loop computes it on every path: a product, then a sum (never fused), so all paths agree.
RK_AVX2 static void outer_avx2(int m, int n, double alpha, const double *a, int as, const double *b, double *c,
                               int ldc) {
    for (int i = 0; i < m; i++) {
        double ai = alpha * a[(size_t)i * as];
        __m256d av = _mm256_set1_pd(ai);
        double *crow = c + (size_t)i * ldc;
        int j = 0;
        for (; j + 4 <= n; j += 4)
            _mm256_storeu_pd(crow + j, _mm256_add_pd(_mm256_loadu_pd(crow + j), _mm256_mul_pd(av, _mm256_loadu_pd(b + j))));
        for (; j < n; j++) {
            double product = ai * b[j];  // its own statement, so that it is not contracted into an fma
            crow[j] += product;
        }
    }
}

// C += alpha op(A) op(B) on the calling thread, a block of KC steps at a time.
static void gemm_direct(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
                        const double *b, int ldb, double *c, int ldc, int level) {
    int ars = transA ? 1 : lda, aps = transA ? lda : 1;
    double local[2048];  // op(B) of a transposed B, when it fits (a cell's W_x: 4H × X)
    double *copy = NULL;
    for (int p0 = 0; p0 < k; p0 += KC) {
        int kc = k - p0 < KC ? k - p0 : KC;
        const double *bp = b + (size_t)p0 * ldb;
        int ldbp = ldb;
        if (transB) {  // op(B)[p][j] = b[j][p0 + p]
            if (!copy) {
                size_t size = (size_t)(k < KC ? k : KC) * n;
                copy = size <= sizeof local / sizeof *local ? local : malloc(sizeof(double) * size);
                if (!copy) abort();
            }
            for (int j = 0; j < n; j++)
                for (int p = 0; p < kc; p++) copy[(size_t)p * n + j] = b[(size_t)j * ldb + p0 + p];
            bp = copy;
            ldbp = n;
        }
        const double *ap = a + (size_t)p0 * aps;
        if (level == LEVEL_AVX512) direct_avx512(m, n, kc, alpha, ap, ars, aps, bp, ldbp, c, ldc);
        else direct_avx2(m, n, kc, alpha, ap, ars, aps, bp, ldbp, c, ldc);
    }
    if (copy != local) free(copy);
}
#endif

static void gemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc, int may_share) {
    if (m <= 0 || n <= 0) return;
    if (ldc == n) scale_vector(m * n, beta, c);  // one call for a dense C (one memset for beta 0)
    else for (int i = 0; i < m; i++) scale_vector(n, beta, c + (size_t)i * ldc);
    if (k <= 0 || alpha == 0.0) return;
    // Thin shapes (a network's readout with one output) are matrix-vector products or outer
    // products; packing them into 16-wide panels would be mostly padding.
    if (n == 1 && transB && ldc == 1) {  // c (m) += alpha op(A) b, b a contiguous row
        if (transA) rk_gemv_t(k, m, alpha, a, lda, b, 1.0, c);
        else rk_gemv_n(m, k, alpha, a, lda, b, 1.0, c);
        return;
    }
    if (m == 1 && transA && lda == 1) {  // c (n) += alpha op(B)ᵀ a, a a contiguous column
        if (transB) rk_gemv_n(n, k, alpha, b, ldb, a, 1.0, c);
        else rk_gemv_t(k, n, alpha, b, ldb, a, 1.0, c);
        return;
    }
    if (k == 1) {  // an outer product: c_ij += alpha a_i b_j
#if RK_X86
        if (!transB && rk_level() >= LEVEL_AVX2) {
            outer_avx2(m, n, alpha, a, transA ? 1 : lda, b, c, ldc);
            return;
        }
#endif
        for (int i = 0; i < m; i++) {
            double ai = alpha * a[transA ? i : (size_t)i * lda];
            double *crow = c + (size_t)i * ldc;
            for (int j = 0; j < n; j++) crow[j] += ai * b[transB ? (size_t)j * ldb : j];
        }
        return;
    }
#if RK_X86
    int level = rk_level();
    if (level >= LEVEL_AVX2 && (double)m * n * k < 1e6) {  // small: in place, one thread
        gemm_direct(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, level);
        return;
    }
#endif
    gemm_share whole = {transA, transB, m, n, k, alpha, a, b, lda, ldb, ldc, c, 0, m};
    // Two threads pay off from about a million multiply-adds (the helper wakes in tens of µs).
    int mr = rk_level() == LEVEL_AVX512 ? 8 : 4;
    if (!may_share || (double)m * n * k < 1e6 || m < 4 * mr) {
        gemm_share_run(&whole);
        return;
    }
    int split = (m / 2 + mr - 1) / mr * mr;  // a panel boundary, so no entry changes hands mid-sum
    gemm_share top = whole, bottom = whole;
    top.row1 = split;
    bottom.row0 = split;
    run_both(gemm_share_run, &top, &bottom);
}

void rk_gemm(int transA, int transB, int m, int n, int k, double alpha,
             const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 1);
}

void rk_gemm_one_thread(int transA, int transB, int m, int n, int k, double alpha,
                        const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 0);
}

// ---------------------------------------------------------------- activations
//
// exp by Cody–Waite reduction x = k ln 2 + r, |r| <= ln2/2, and a degree-13 Taylor polynomial
// for e^r − 1 (truncation error below 1e-17), with fused multiply-adds throughout: about 1 ulp,
// and the same bits on every machine and path, because fma rounds once by definition. The
// scalar functions and the loops share the code, so a cell evaluated one unit at a time and a
// cell evaluated a vector at a time agree to the bit.

static inline double bits_to_double(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }
static inline uint64_t double_to_bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

// e^r − 1 for |r| <= 0.3466.
static inline double expm1_reduced(double r) {
    double q = 1.0 / 6227020800.0;           // 1/13!
    q = __builtin_fma(q, r, 1.0 / 479001600.0);  // 1/12!
    q = __builtin_fma(q, r, 1.0 / 39916800.0);
    q = __builtin_fma(q, r, 1.0 / 3628800.0);
    q = __builtin_fma(q, r, 1.0 / 362880.0);
    q = __builtin_fma(q, r, 1.0 / 40320.0);
    q = __builtin_fma(q, r, 1.0 / 5040.0);
    q = __builtin_fma(q, r, 1.0 / 720.0);
    q = __builtin_fma(q, r, 1.0 / 120.0);
    q = __builtin_fma(q, r, 1.0 / 24.0);
    q = __builtin_fma(q, r, 1.0 / 6.0);
    q = __builtin_fma(q, r, 0.5);
    return __builtin_fma(q, r * r, r);
}

static const double LOG2E = 0x1.71547652b82fep0;
static const double LN2_HI = 0x1.62e42fefa39efp-1;
static const double LN2_LO = 0x1.abc9e3b39803fp-56;
static const double SHIFTER = 0x1.8p52;  // adding it rounds to an integer held in the low bits

// Splits x into k and r with x = k ln2 + r; k is returned as the bits of x·log2e + SHIFTER.
static inline double reduce(double x, int64_t *k) {
    double t = __builtin_fma(x, LOG2E, SHIFTER);
    *k = (int64_t)(double_to_bits(t) - double_to_bits(SHIFTER));
    double kd = t - SHIFTER;
    double r = __builtin_fma(-kd, LN2_HI, x);
    return __builtin_fma(-kd, LN2_LO, r);
}

static inline double pow2(int64_t k) { return bits_to_double((uint64_t)(k + 1023) << 52); }

// e^x for x <= 0 (x >= −746 after clamping; e^x underflows to zero below that).
static inline double exp_nonpositive(double x) {
    x = x < -746.0 ? -746.0 : x;
    int64_t k;
    double r = reduce(x, &k);
    double p = 1.0 + expm1_reduced(r);
    int64_t k1 = k / 2, k2 = k - k1;  // two exact scalings, so subnormal results round once
    return p * pow2(k1) * pow2(k2);
}

// σ(x) = 1 / (1 + e^−x) for x >= 0, e^x / (1 + e^x) below, so nothing overflows.
static inline double sigmoid_one(double x) {
    double e = exp_nonpositive(x < 0 ? x : -x);
    double s = x < 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
    return x != x ? x : s;
}

// With e = e^(2|x|) − 1 and h = e/2, tanh |x| = h / (1 + h), evaluated as h − h · tanh|x| near
// zero (the rounding of the quotient is scaled down by h there) and as 1 − 2 / (e + 2) from
// |x| = 0.55 on, where the result is near 1. The sign of x is copied on, so tanh(−0) = −0.
// Exactly ±1 from |x| = 20 on.
static inline double tanh_one(double x) {
    double u = 2.0 * __builtin_fabs(x);
    u = u > 40.0 ? 40.0 : u;
    int64_t k;
    double r = reduce(u, &k);
    double scale = pow2(k);
    double e = __builtin_fma(scale, expm1_reduced(r), scale - 1.0);
    double h = 0.5 * e;
    int near_zero = u < 1.1;
    double q = near_zero ? h / (1.0 + h) : 2.0 / (e + 2.0);  // one division, either form
    double t = near_zero ? __builtin_fma(-h, q, h) : 1.0 - q;  // h − h·tanh, or 1 − 2/(e + 2)
    t = __builtin_copysign(t, x);
    return x != x ? x : t;
}

#if RK_X86
RK_AVX2 static double sigmoid1_fma(double x) { return sigmoid_one(x); }
RK_AVX2 static double tanh1_fma(double x) { return tanh_one(x); }
#endif

double rk_sigmoid1(double x) {
#if RK_X86
    if (rk_level() >= LEVEL_AVX2) return sigmoid1_fma(x);
#endif
    return sigmoid_one(x);
}

double rk_tanh1(double x) {
#if RK_X86
    if (rk_level() >= LEVEL_AVX2) return tanh1_fma(x);
#endif
    return tanh_one(x);
}

static void sigmoid_generic(int n, const double *restrict x, double *restrict y) { for (int i = 0; i < n; i++) y[i] = sigmoid_one(x[i]); }
static void tanh_generic(int n, const double *restrict x, double *restrict y) { for (int i = 0; i < n; i++) y[i] = tanh_one(x[i]); }
#if RK_X86
RK_AVX2 static void sigmoid_avx2(int n, const double *restrict x, double *restrict y) { for (int i = 0; i < n; i++) y[i] = sigmoid_one(x[i]); }
RK_AVX2 static void tanh_avx2(int n, const double *restrict x, double *restrict y) { for (int i = 0; i < n; i++) y[i] = tanh_one(x[i]); }
RK_AVX512 static void sigmoid_avx512(int n, const double *restrict x, double *restrict y) { for (int i = 0; i < n; i++) y[i] = sigmoid_one(x[i]); }
RK_AVX512 static void tanh_avx512(int n, const double *restrict x, double *restrict y) { for (int i = 0; i < n; i++) y[i] = tanh_one(x[i]); }
#endif

void rk_activations_portable(int n, const double *restrict x, double *restrict sigma, double *restrict tanh_x) {
    sigmoid_generic(n, x, sigma);
    tanh_generic(n, x, tanh_x);
}

void rk_sigmoid(int n, const double *restrict x, double *restrict y) {
#if RK_X86
    switch (rk_level()) {
    case LEVEL_AVX512: sigmoid_avx512(n, x, y); return;
    case LEVEL_AVX2: sigmoid_avx2(n, x, y); return;
    }
#endif
    sigmoid_generic(n, x, y);
}

void rk_tanh(int n, const double *restrict x, double *restrict y) {
#if RK_X86
    switch (rk_level()) {
    case LEVEL_AVX512: tanh_avx512(n, x, y); return;
    case LEVEL_AVX2: tanh_avx2(n, x, y); return;
    }
#endif
    tanh_generic(n, x, y);
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
    if (rk_level() >= LEVEL_AVX2) return amax_avx2(n, x);
#endif
    return amax_generic(n, x);
}
