import Foundation

/// The optimizers of the course with Keras 3's default constants and update rules.
public enum OptimizerKind: Sendable, Equatable {
    /// v ← μ v − η g;  θ ← θ + v   (η = 0.01, μ = 0 by default)
    case sgd(learningRate: Double = 0.01, momentum: Double = 0)
    /// a ← a + g²;  θ ← θ − η g / √(a + ε)   (η = 0.001, a₀ = 0.1, ε = 1e−7)
    case adagrad(learningRate: Double = 0.001, initialAccumulator: Double = 0.1, epsilon: Double = 1e-7)
    /// m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂);
    /// θ ← θ − η √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)   (η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e−7)
    case adam(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7)
}

/// An optimizer's state over a flat parameter vector.
public struct Optimizer: Sendable {
    public let kind: OptimizerKind
    private var first: [Double]
    private var second: [Double]
    private var step = 0

    public init(_ kind: OptimizerKind, parameterCount n: Int) {
        self.kind = kind
        switch kind {
        case .sgd: first = [Double](repeating: 0, count: n); second = []
        case .adagrad(_, let a0, _): first = [Double](repeating: a0, count: n); second = []
        case .adam: first = [Double](repeating: 0, count: n); second = [Double](repeating: 0, count: n)
        }
    }

    /// Applies one update to `parameters` from `gradient`.
    public mutating func update(_ parameters: inout [Double], gradient g: [Double]) {
        step += 1
        switch kind {
        case .sgd(let lr, let momentum):
            for k in parameters.indices {
                first[k] = momentum * first[k] - lr * g[k]
                parameters[k] += first[k]
            }
        case .adagrad(let lr, _, let eps):
            for k in parameters.indices {
                first[k] += g[k] * g[k]
                parameters[k] -= lr * g[k] / (first[k] + eps).squareRoot()
            }
        case .adam(let lr, let b1, let b2, let eps):
            let t = Double(step)
            let alpha = lr * (1 - pow(b2, t)).squareRoot() / (1 - pow(b1, t))
            for k in parameters.indices {
                first[k] += (g[k] - first[k]) * (1 - b1)
                second[k] += (g[k] * g[k] - second[k]) * (1 - b2)
                parameters[k] -= alpha * first[k] / (second[k].squareRoot() + eps)
            }
        }
    }
}

/// Gradient clipping, the standard remedy for exploding gradients (course notes 03).
public enum Clipping: Sendable, Equatable {
    /// Rescale the whole gradient so its norm is at most c (Keras `global_clipnorm`).
    case globalNorm(Double)
    /// Clamp every entry to [−c, c] (Keras `clipvalue`).
    case value(Double)

    /// Clips in place; returns the gradient norm before clipping.
    @discardableResult
    public func apply(to g: inout [Double]) -> Double {
        let norm = euclideanNorm(g)
        switch self {
        case .globalNorm(let c):
            if norm > c && norm.isFinite {
                let scale = c / norm
                for k in g.indices { g[k] *= scale }
            }
        case .value(let c):
            for k in g.indices { g[k] = min(max(g[k], -c), c) }
        }
        return norm
    }
}
