import RNNKernels

/// σ(a) = 1 / (1 + e^(−a)) and tanh(a), from the kernels (Sources/RNNKernels): within 2 ulp of
/// the true values, without overflow for large |a|, and the same bits on every machine, one
/// value at a time or a whole gate block at a time.
enum Elementwise {
    @inline(__always)
    static func sigmoid(_ a: Double) -> Double { rk_sigmoid1(a) }

    @inline(__always)
    static func tanh(_ a: Double) -> Double { rk_tanh1(a) }

    @inline(__always)
    static func sigmoid(_ n: Int, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        rk_sigmoid(Int32(n), x, y)
    }

    @inline(__always)
    static func tanh(_ n: Int, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        rk_tanh(Int32(n), x, y)
    }

    /// σ and tanh through the portable C path, whatever this CPU has (tests compare the paths).
    static func portable(_ x: [Double]) -> (sigma: [Double], tanh: [Double]) {
        var s = [Double](repeating: 0, count: x.count), t = s
        x.withUnsafeBufferPointer { xb in
            s.withUnsafeMutableBufferPointer { sb in
                t.withUnsafeMutableBufferPointer { tb in
                    rk_activations_portable(Int32(x.count), xb.baseAddress!, sb.baseAddress!, tb.baseAddress!)
                }
            }
        }
        return (s, t)
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
        case .tanh: return Elementwise.tanh(a)
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
