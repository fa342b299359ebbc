import Foundation

/// The losses of `shared/spec/trace-format.md`, over the last step or averaged over all steps.
///
/// | loss | targets | L |
/// | --- | --- | --- |
/// | `mse_last` | one vector d of Y numbers | (1/Y) Σ_k (y_T,k − d_k)² |
/// | `mse_all` | T vectors d_t | (1/T) Σ_t (1/Y) Σ_k (y_t,k − d_t,k)² |
/// | `xent_last` | one class index d | −log softmax(y_T)_d |
/// | `xent_all` | T class indices d_t | (1/T) Σ_t −log softmax(y_t)_{d_t} |
public enum LossKind: String, Sendable, CaseIterable {
    case mseLast = "mse_last"
    case mseAll = "mse_all"
    case xentLast = "xent_last"
    case xentAll = "xent_all"

    public var coversAllSteps: Bool { self == .mseAll || self == .xentAll }
}

/// What a loss compares the outputs with.
public enum Targets: Sendable, Equatable {
    /// Flat (n, Y) real targets: n = 1 for `mse_last`, T for `mse_all`.
    case vectors([Double])
    /// Class indices: one for `xent_last`, T for `xent_all`.
    case classes([Int])
}

extension LossKind {
    /// Each step's contribution to the loss (zero for steps the loss does not read); they sum
    /// to the loss.
    public func stepLosses(y: [Double], steps T: Int, outputSize Y: Int, targets: Targets) -> [Double] {
        evaluate(y: y, steps: T, outputSize: Y, targets: targets).perStep
    }

    /// The loss and dL/dy_t for every step, from outputs `y` (T, Y).
    func evaluate(y: [Double], steps T: Int, outputSize Y: Int, targets: Targets)
        -> (loss: Double, dy: [Double], perStep: [Double])
    {
        var dy: [Double] = []
        var perStep = [Double](repeating: 0, count: T)
        let loss = perStep.withUnsafeMutableBufferPointer {
            evaluate(y: y, steps: T, outputSize: Y, targets: targets, dy: &dy, perStep: $0.baseAddress)
        }
        return (loss, dy, perStep)
    }

    /// The loss, with dL/dy_t in `dy` (resized to (T, Y), its storage reused when it fits) and,
    /// when `perStep` is given, each step's contribution in perStep[t − 1] (the caller zeroes it).
    func evaluate(
        y: [Double], steps T: Int, outputSize Y: Int, targets: Targets, dy: inout [Double],
        perStep: UnsafeMutablePointer<Double>? = nil
    ) -> Double {
        dy.refillWithZeros(count: T * Y)
        var loss = 0.0
        let firstStep = coversAllSteps ? 1 : T
        let weight = coversAllSteps ? 1 / Double(T) : 1
        for t in firstStep...T {
            let row = (t - 1) * Y
            let k = coversAllSteps ? t - 1 : 0
            switch (self, targets) {
            case (.mseLast, .vectors(let d)), (.mseAll, .vectors(let d)):
                var sum = 0.0
                for j in 0..<Y {
                    let diff = y[row + j] - d[k * Y + j]
                    sum += diff * diff
                    // L = (w/Y) Σ (y − d)²  ⇒  dL/dy = 2w (y − d) / Y
                    dy[row + j] = 2 * weight * diff / Double(Y)
                }
                let stepLoss = weight * sum / Double(Y)
                perStep?[t - 1] = stepLoss
                loss += stepLoss
            case (.xentLast, .classes(let d)), (.xentAll, .classes(let d)):
                // L = w (logsumexp(y) − y_d)  ⇒  dL/dy = w (softmax(y) − onehot(d))
                var top = -Double.infinity
                for j in 0..<Y { top = max(top, y[row + j]) }
                var sum = 0.0
                for j in 0..<Y { sum += exp(y[row + j] - top) }
                let logSumExp = top + log(sum)
                let stepLoss = weight * (logSumExp - y[row + d[k]])
                perStep?[t - 1] = stepLoss
                loss += stepLoss
                for j in 0..<Y {
                    dy[row + j] = weight * exp(y[row + j] - logSumExp)
                }
                dy[row + d[k]] -= weight
            default:
                preconditionFailure("targets do not match the loss; validated on input")
            }
        }
        return loss
    }
}
