import Foundation

/// The logistic sigmoid σ(a) = 1 / (1 + e^(−a)), evaluated without overflow for large |a|.
@inline(__always)
func sigmoid(_ a: Double) -> Double {
    if a >= 0 {
        return 1 / (1 + exp(-a))
    } else {
        let e = exp(a)
        return e / (1 + e)
    }
}

/// σ′ taken from the forward output, as autodiff frameworks do: σ′ = σ(1 − σ).
@inline(__always)
func sigmoidDerivative(output s: Double) -> Double { s * (1 - s) }

/// tanh′ taken from the forward output: tanh′ = (1 − tanh)(1 + tanh).
@inline(__always)
func tanhDerivative(output t: Double) -> Double { (1 - t) * (1 + t) }

/// The activation φ of a vanilla RNN cell.
public enum Activation: String, Sendable, CaseIterable {
    case tanh
    case relu
    case linear

    @inline(__always)
    func apply(_ a: Double) -> Double {
        switch self {
        case .tanh: return Foundation.tanh(a)
        case .relu: return a > 0 ? a : 0
        case .linear: return a
        }
    }

    /// φ′ at the step, from the pre-activation `a` and output `h` (relu′(0) is taken as 0).
    @inline(__always)
    func derivative(preActivation a: Double, output h: Double) -> Double {
        switch self {
        case .tanh: return tanhDerivative(output: h)
        case .relu: return a > 0 ? 1 : 0
        case .linear: return 1
        }
    }
}
