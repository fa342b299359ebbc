/// The largest singular value of a dense matrix by Golub–Kahan–Lanczos bidiagonalization with
/// full reorthogonalization.
///
/// A full SVD per time step is what makes a naive Jacobian-norm trace slow; only σ_max is
/// needed. After k steps, A V_k = U_k B_k with B_k upper bidiagonal (α on the diagonal, β
/// above it), and σ_max(B_k) rises monotonically to σ_max(A), reaching it exactly when the
/// Krylov space is exhausted (k = min(m, n)) or becomes invariant. In practice a product of
/// many Jacobians is nearly rank one and a few steps suffice, especially from a warm start.
struct SpectralNormSolver {
    let rows: Int, cols: Int
    private var u: [Double], v: [Double]
    private var alpha: [Double] = [], beta: [Double] = []
    private var coefficients: [Double]
    private var random = SplitMix64(seed: 0x5EED_0F_5A5A)

    init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        let kMax = min(rows, cols)
        u = [Double](repeating: 0, count: kMax * rows)
        v = [Double](repeating: 0, count: (kMax + 1) * cols)
        coefficients = [Double](repeating: 0, count: kMax + 1)
    }

    /// σ_max(A) of the row-major `rows × cols` matrix `a`, and a unit vector close to its top left
    /// singular vector (to warm-start the next, related matrix). `start` (length `cols`) seeds
    /// the iteration when given.
    mutating func largest(_ a: UnsafePointer<Double>, start: [Double]?) -> (sigma: Double, left: [Double]) {
        let m = rows, n = cols, kMax = min(m, n)
        alpha.removeAll(keepingCapacity: true)
        beta.removeAll(keepingCapacity: true)
        // A random component keeps the start from being (nearly) orthogonal to the top vector.
        var v1 = (0..<n).map { _ in random.uniform(-1, 1) }
        if let start, start.count == n, case let s = euclideanNorm(start), s > 0, s.isFinite {
            let r = euclideanNorm(v1)
            for k in 0..<n { v1[k] = start[k] / s + 1e-3 * v1[k] / r }
        }
        let s1 = euclideanNorm(v1)
        guard s1 > 0, s1.isFinite else { return (.nan, []) }
        var theta = 0.0, previous = -1.0, calm = 0
        var k = 0
        // Work on local arrays so the closures below do not overlap accesses to self.
        var uLocal: [Double] = [], vLocal: [Double] = [], cLocal: [Double] = []
        swap(&uLocal, &u)
        swap(&vLocal, &v)
        swap(&cLocal, &coefficients)
        uLocal.withUnsafeMutableBufferPointer { uBuf in
        vLocal.withUnsafeMutableBufferPointer { vBuf in
        cLocal.withUnsafeMutableBufferPointer { cBuf in
            let U = uBuf.baseAddress!, V = vBuf.baseAddress!, coef = cBuf.baseAddress!
            for i in 0..<n { V[i] = v1[i] / s1 }
            while k < kMax {
                let uk = U + k * m, vk = V + k * n, vNext = V + (k + 1) * n
                // u_k = A v_k − β_{k−1} u_{k−1}, then orthogonalized against U (twice is enough)
                BLAS.gemv(transpose: false, m: m, n: n, a: a, lda: n, x: vk, beta: 0, y: uk)
                Self.orthogonalize(uk, against: U, count: k, length: m, scratch: coef)
                let ak = Self.norm(uk, m)
                alpha.append(ak)
                if !(ak > 1e-300) { alpha[k] = 0; k += 1; break }
                for i in 0..<m { uk[i] /= ak }
                // v_{k+1} = Aᵀ u_k − α_k v_k, orthogonalized against V
                BLAS.gemv(transpose: true, m: m, n: n, a: a, lda: n, x: uk, beta: 0, y: vNext)
                Self.orthogonalize(vNext, against: V, count: k + 1, length: n, scratch: coef)
                let bk = Self.norm(vNext, n)
                k += 1
                theta = bidiagonalSigmaMax(alpha: alpha, beta: beta)
                if !(bk > 1e-14 * theta) { break }  // invariant subspace: theta is exact
                beta.append(bk)
                for i in 0..<n { vNext[i] /= bk }
                if abs(theta - previous) <= 1e-14 * theta { calm += 1 } else { calm = 0 }
                if calm >= 2 { break }
                previous = theta
            }
        }}}
        swap(&uLocal, &u)
        swap(&vLocal, &v)
        swap(&cLocal, &coefficients)
        theta = bidiagonalSigmaMax(alpha: alpha, beta: Array(beta.prefix(max(0, alpha.count - 1))))
        return (theta, leftVector(a, steps: alpha.count, sigma: theta))
    }

    /// x −= Q (Qᵀ x), twice (classical Gram–Schmidt with reorthogonalization).
    private static func orthogonalize(
        _ x: UnsafeMutablePointer<Double>, against q: UnsafePointer<Double>, count: Int,
        length: Int, scratch: UnsafeMutablePointer<Double>
    ) {
        guard count > 0 else { return }
        for _ in 0..<2 {
            BLAS.gemv(transpose: false, m: count, n: length, a: q, lda: length, x: x, beta: 0, y: scratch)
            BLAS.gemv(
                transpose: true, m: count, n: length, alpha: -1, a: q, lda: length, x: scratch,
                beta: 1, y: x)
        }
    }

    private static func norm(_ x: UnsafePointer<Double>, _ n: Int) -> Double {
        euclideanNorm(UnsafeBufferPointer(start: x, count: n))
    }

    /// The top left singular vector estimate: A V_k s normalized, s the top right singular vector of B_k.
    private func leftVector(_ a: UnsafePointer<Double>, steps k: Int, sigma: Double) -> [Double] {
        guard k > 0, sigma > 0 else { return [] }
        let s = topEigenvector(alpha: alpha, beta: Array(beta.prefix(k - 1)), lambda: sigma * sigma)
        var right = [Double](repeating: 0, count: cols)
        var left = [Double](repeating: 0, count: rows)
        v.withUnsafeBufferPointer { vBuf in
            for i in 0..<k {
                for j in 0..<cols { right[j] += s[i] * vBuf[i * cols + j] }
            }
        }
        right.withUnsafeBufferPointer { r in
            left.withUnsafeMutableBufferPointer { l in
                BLAS.gemv(transpose: false, m: rows, n: cols, a: a, lda: cols, x: r.baseAddress!, beta: 0, y: l.baseAddress!)
            }
        }
        let length = euclideanNorm(left)
        if length > 0 && length.isFinite { for i in 0..<rows { left[i] /= length } }
        return left
    }
}

/// σ_max of the upper bidiagonal matrix with diagonal α and superdiagonal β, as the square root
/// of the largest eigenvalue of the tridiagonal BᵀB (bisection on Sturm counts: robust and exact
/// to rounding, and the matrices here are small).
func bidiagonalSigmaMax(alpha: [Double], beta: [Double]) -> Double {
    let (d, e) = normalTridiagonal(alpha: alpha, beta: beta)
    return largestEigenvalue(diagonal: d, offDiagonal: e).squareRoot()
}

/// BᵀB for upper bidiagonal B: diagonal α_i² + β_{i−1}², off-diagonal α_i β_i.
private func normalTridiagonal(alpha: [Double], beta: [Double]) -> ([Double], [Double]) {
    let k = alpha.count
    var d = [Double](repeating: 0, count: k), e = [Double](repeating: 0, count: max(0, k - 1))
    for i in 0..<k {
        d[i] = alpha[i] * alpha[i] + (i > 0 ? beta[i - 1] * beta[i - 1] : 0)
        if i < k - 1 { e[i] = alpha[i] * beta[i] }
    }
    return (d, e)
}

/// Largest eigenvalue of a symmetric tridiagonal matrix by bisection.
func largestEigenvalue(diagonal d: [Double], offDiagonal e: [Double]) -> Double {
    let k = d.count
    guard k > 0 else { return 0 }
    var low = Double.infinity, high = -Double.infinity
    for i in 0..<k {
        let radius = (i > 0 ? abs(e[i - 1]) : 0) + (i < k - 1 ? abs(e[i]) : 0)
        low = min(low, d[i] - radius)
        high = max(high, d[i] + radius)
    }
    // Number of eigenvalues greater than x (Sturm sequence of the LDLᵀ pivots).
    func countAbove(_ x: Double) -> Int {
        var below = 0
        var q = d[0] - x
        if q < 0 { below += 1 }
        for i in 1..<max(k, 1) where i < k {
            let denominator = q == 0 ? Double.leastNonzeroMagnitude : q
            q = d[i] - x - e[i - 1] * e[i - 1] / denominator
            if q < 0 { below += 1 }
        }
        return k - below
    }
    for _ in 0..<200 {
        let mid = low + (high - low) / 2
        if mid <= low || mid >= high { break }
        if countAbove(mid) >= 1 { low = mid } else { high = mid }
    }
    return high
}

/// Eigenvector of BᵀB for eigenvalue λ by two steps of inverse iteration (only a warm start
/// is needed, so modest accuracy is fine).
private func topEigenvector(alpha: [Double], beta: [Double], lambda: Double) -> [Double] {
    let (d, e) = normalTridiagonal(alpha: alpha, beta: beta)
    let k = d.count
    var x = [Double](repeating: 1, count: k)
    let shift = lambda * (1 + 1e-10) + 1e-300
    for _ in 0..<2 {
        // Solve (T − shift I) y = x by the Thomas algorithm; tiny pivots are nudged, not divided by.
        var c = [Double](repeating: 0, count: k), y = x
        var pivot = d[0] - shift
        for i in 0..<k {
            if i > 0 {
                pivot = d[i] - shift - e[i - 1] * c[i - 1]
                y[i] -= e[i - 1] * y[i - 1]
            }
            if abs(pivot) < 1e-300 { pivot = 1e-300 }
            if i < k - 1 { c[i] = e[i] / pivot }
            y[i] /= pivot
        }
        // The forward sweep above stored y_i / pivot_i; back-substitute.
        for i in stride(from: k - 2, through: 0, by: -1) { y[i] -= c[i] * y[i + 1] }
        let s = euclideanNorm(y)
        x = y.map { $0 / (s > 0 && s.isFinite ? s : 1) }
    }
    return x
}

/// σ_max of a row-major rows × cols matrix (the spectral norm ‖A‖₂).
public func spectralNorm(_ matrix: [Double], rows: Int, cols: Int) -> Double {
    precondition(matrix.count == rows * cols)
    guard rows > 0 && cols > 0 else { return 0 }
    var solver = SpectralNormSolver(rows: rows, cols: cols)
    return matrix.withUnsafeBufferPointer { solver.largest($0.baseAddress!, start: nil).sigma }
}
