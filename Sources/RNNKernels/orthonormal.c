// Q of a tall matrix's QR factorisation, for the orthogonal initialiser. See include/RNNKernels.h.
//
// Block classical Gram–Schmidt with selective reorthogonalisation (BCGS2, Barlow and
// Smoktunowicz 2013), blocks of OUTER columns. With Q₍<k₎ the orthonormal columns already done and
// A_k the next block:
//
//     W = A_k − Q₍<k₎ S₁,   S₁ = Q₍<k₎ᵀ A_k      two matrix products
//     W = Y R₁                                   intra-block QR: Y orthonormal, R₁ upper triangular
//     if ‖D R₁⁻¹‖_F > τ √w  (D = diag of A_k's column norms, w its width), reorthogonalise:
//         Z = Y − Q₍<k₎ S₂,  S₂ = Q₍<k₎ᵀ Y       the same two products again
//         Z = Q_k R₂                             intra-block QR again
//     else Q_k = Y
//
// The intra-block QR is the same algorithm on blocks of INNER columns, and below that classical
// Gram–Schmidt column by column (a column projected a second time by the same test) on a
// transposed copy, where each column is a contiguous row. The products are rk_gemm's (cache-blocked, two threads at fixed
// boundaries), so the result is the same bits on every run on the same machine.
//
// Why the test: one projection leaves Y off orthogonal to Q₍<k₎ by about ε ‖A_k‖ / σ_min(W), the
// block form of "twice is enough" (Giraud, Langou and Rozložník 2005; Kahan's test for one
// column): when the block kept about half its length or more (‖a‖/‖w‖ at most τ = 2, as a root
// mean square over the block's directions), one pass is as good as two. A tall Gaussian matrix
// (an LSTM's 4H × H, a GRU's 3H × H) never needs the second pass, which halves its cost; a square
// one needs it for its last quarter. Without any second pass, a matrix with singular values over
// ten decades ends with ‖QᵀQ − I‖ ≈ 5; with them, 1e-14 (OrthogonalInitTests.illConditioned).
// Every R on the way has a positive diagonal (made of norms), so R₂R₁ does too and Q is the unique
// one of Keras's sign convention. Loss of orthogonality is O(ε) for any numerically full-rank A, as
// for Householder QR; CholeskyQR would be cheaper but squares the condition number, which a square
// Gaussian matrix's can make too large.
#include "RNNKernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { OUTER = 256, INNER = 32 };
static const double TAU = 2.0;

static void *allocate(size_t count) {
    void *p = malloc(sizeof(double) * (count ? count : 1));
    if (!p) abort();  // out of memory: nothing sensible to do in a kernel
    return p;
}

static void qr(int m, int n, double *a, int lda, int block, double *r, int ldr);

// QR of at most INNER columns by classical Gram–Schmidt on a transposed copy (p: w × m): row j −=
// P₍<j₎ᵀ (P₍<j₎ row j), a second time if that took more than 1 − 1/τ of its length (the same test
// as for blocks, for one column), then normalised. R (w × w, upper, row stride ldr) collects the
// coefficients and norms.
static void qr_columns(int m, int w, double *a, int lda, double *r, int ldr) {
    double *p = allocate((size_t)w * m), s[INNER];
    for (int i = 0; i < m; i++)
        for (int c = 0; c < w; c++) p[(size_t)c * m + i] = a[(size_t)i * lda + c];
    for (int j = 0; j < w; j++) {
        double *row = p + (size_t)j * m, length2;
        for (int i = 0; i < w; i++) r[(size_t)i * ldr + j] = 0;
        rk_gemv_n(1, m, 1.0, row, m, row, 0.0, &length2);
        for (int pass = 0; j > 0 && pass < 2; pass++) {
            double before2 = length2;
            rk_gemv_n(j, m, 1.0, p, m, row, 0.0, s);
            rk_gemv_t(j, m, -1.0, p, m, s, 1.0, row);
            for (int i = 0; i < j; i++) r[(size_t)i * ldr + j] += s[i];
            rk_gemv_n(1, m, 1.0, row, m, row, 0.0, &length2);
            if (length2 * (TAU * TAU) >= before2) break;  // lost less than 1 − 1/τ: once is enough
        }
        double norm = sqrt(length2);
        r[(size_t)j * ldr + j] = norm;
        for (int i = 0; i < m; i++) row[i] /= norm;
    }
    for (int i = 0; i < m; i++)
        for (int c = 0; c < w; c++) a[(size_t)i * lda + c] = p[(size_t)c * m + i];
    free(p);
}

// QR of a block: by columns when narrow, else blocked on INNER columns.
static void qr_block(int m, int w, double *a, int lda, double *r, int ldr) {
    if (w <= INNER) qr_columns(m, w, a, lda, r, ldr);
    else qr(m, w, a, lda, INNER, r, ldr);
}

// Whether one projection was enough: ‖D R₁⁻¹‖_F ≤ τ √w, with D_i² = ‖S₁ column i‖² + ‖R₁ column
// i‖² the squared length of A_k's column i before the projection (Pythagoras). False for a
// singular R₁ (NaN compares false), which reorthogonalisation then meets as well as it can.
static int one_pass_enough(int c0, int w, const double *s1, const double *r1, double *inverse) {
    for (int i = w - 1; i >= 0; i--) {  // inverse = R₁⁻¹ (upper), by back substitution
        inverse[(size_t)i * w + i] = 1.0 / r1[(size_t)i * w + i];
        for (int j = i + 1; j < w; j++) {
            double sum = 0;
            for (int k = i + 1; k <= j; k++) sum += r1[(size_t)i * w + k] * inverse[(size_t)k * w + j];
            inverse[(size_t)i * w + j] = -sum * inverse[(size_t)i * w + i];
        }
    }
    double total = 0;
    for (int i = 0; i < w; i++) {
        double d2 = 0, row2 = 0;
        for (int k = 0; k < c0; k++) d2 += s1[(size_t)k * w + i] * s1[(size_t)k * w + i];
        for (int k = 0; k <= i; k++) d2 += r1[(size_t)k * w + i] * r1[(size_t)k * w + i];
        for (int j = i; j < w; j++) row2 += inverse[(size_t)i * w + j] * inverse[(size_t)i * w + j];
        total += d2 * row2;
    }
    return total <= TAU * TAU * w;
}

// In place, the m × n matrix a (row stride lda) becomes Q; if r is not NULL, R (n × n, upper, row
// stride ldr) is written too, as the intra-block QR of a bigger call needs it.
static void qr(int m, int n, double *a, int lda, int block, double *r, int ldr) {
    double *s1 = allocate((size_t)n * block), *s2 = allocate((size_t)n * block);
    double *r1 = allocate((size_t)block * block), *r2 = allocate((size_t)block * block);
    double *scratch = allocate((size_t)block * block);
    for (int i = 0; r && i < n; i++) memset(r + (size_t)i * ldr, 0, sizeof(double) * n);  // below the blocks
    for (int c0 = 0; c0 < n; c0 += block) {
        int w = n - c0 < block ? n - c0 : block;
        double *ak = a + c0;
        if (c0 > 0) {  // S₁ = Qᵀ A_k, W = A_k − Q S₁
            rk_gemm(1, 0, c0, w, m, 1.0, a, lda, ak, lda, 0.0, s1, w);
            rk_gemm(0, 0, m, w, c0, -1.0, a, lda, s1, w, 1.0, ak, lda);
        }
        qr_block(m, w, ak, lda, r1, w);
        int again = c0 > 0 && !one_pass_enough(c0, w, s1, r1, scratch);
        if (again) {  // S₂ = Qᵀ Y, Z = Y − Q S₂ = Q_k R₂
            rk_gemm(1, 0, c0, w, m, 1.0, a, lda, ak, lda, 0.0, s2, w);
            rk_gemm(0, 0, m, w, c0, -1.0, a, lda, s2, w, 1.0, ak, lda);
            qr_block(m, w, ak, lda, r2, w);
        }
        if (!r) continue;
        // A_k = Q (S₁ + S₂ R₁) + Q_k R₂ R₁, or Q S₁ + Q_k R₁ after one pass.
        double *above = r + c0, *diagonal = r + (size_t)c0 * ldr + c0;
        for (int i = 0; i < c0; i++) memcpy(above + (size_t)i * ldr, s1 + (size_t)i * w, sizeof(double) * w);
        if (again) {
            rk_gemm(0, 0, c0, w, w, 1.0, s2, w, r1, w, 1.0, above, ldr);
            rk_gemm(0, 0, w, w, w, 1.0, r2, w, r1, w, 0.0, diagonal, ldr);
        } else {
            for (int i = 0; i < w; i++) memcpy(diagonal + (size_t)i * ldr, r1 + (size_t)i * w, sizeof(double) * w);
        }
    }
    free(scratch);
    free(r2);
    free(r1);
    free(s2);
    free(s1);
}

void rk_orthonormalize(int m, int n, double *a, int lda) {
    if (m <= 0 || n <= 0) return;
    qr(m, n, a, lda, OUTER, NULL, 0);
}
