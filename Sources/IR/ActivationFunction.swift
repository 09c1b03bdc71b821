#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions, under names that do not clash with ours.
private func libm_erf(_ x: Double) -> Double { erf(x) }
private func libm_tanh(_ x: Double) -> Double { tanh(x) }
private func libm_exp(_ x: Double) -> Double { exp(x) }
private func libm_log1p(_ x: Double) -> Double { log1p(x) }

/// The scalar function of an `activation(%x) {fn = "…"}` operation: the
/// non-polynomial activations ONNX and Keras name beyond `relu`, `sigmoid`
/// and `tanh` (which keep their own operations).
///
/// Each is evaluated exactly (to `Double` precision) by the interpreter and
/// is refused for encrypted execution; `--approximate` replaces it by a
/// fitted polynomial (docs/approximation.md). Parameters come from the
/// operation's `alpha` and `beta` attributes; ``defaultAlpha`` and
/// ``defaultBeta`` apply when they are absent.
public enum ActivationFunction: String, Sendable, CaseIterable, Codable {
    /// x·Φ(x) = x·(1 + erf(x/√2))/2 (ONNX `Gelu`, Keras `gelu`, PyTorch `nn.GELU()`).
    case gelu
    /// 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (ONNX `Gelu` with `approximate = "tanh"`).
    case geluTanh = "gelu_tanh"
    /// The error function (ONNX `Erf`).
    case erf
    /// log(1 + eˣ).
    case softplus
    /// x / (1 + |x|).
    case softsign
    /// x for x > 0, α(eˣ − 1) otherwise (α default 1).
    case elu
    /// λ·elu(x, α) with λ = 1.0507…, α = 1.6732… (ONNX `Selu` attributes).
    case selu
    /// max(0, x) + min(0, α(e^{x/α} − 1)) (α default 1).
    case celu
    /// x for x ≥ 0, αx otherwise (α default 0.01, ONNX `LeakyRelu`).
    case leakyRelu = "leaky_relu"
    /// min(max(0, x), 6).
    case relu6
    /// min(max(αx + β, 0), 1) (ONNX `HardSigmoid`: α 0.2, β 0.5).
    case hardSigmoid = "hard_sigmoid"
    /// x·min(max(x/6 + 1/2, 0), 1) (ONNX `HardSwish`, Keras `hard_silu`).
    case hardSwish = "hard_swish"
    /// min(max(x, α), β) (ONNX `Clip` with min α, max β; Keras `hard_tanh` is −1…1).
    case clip
    /// x·sigmoid(x) (Keras `silu`/`swish`).
    case silu
    /// x·tanh(softplus(x)).
    case mish
    /// eˣ.
    case exponential
    /// log(sigmoid(x)) = −softplus(−x).
    case logSigmoid = "log_sigmoid"
    /// x − tanh(x).
    case tanhShrink = "tanh_shrink"
    /// x if |x| > α else 0 (α default 0.5).
    case hardShrink = "hard_shrink"
    /// x − α if x > α, x + α if x < −α, else 0 (α default 0.5).
    case softShrink = "soft_shrink"
    /// (x + √(x² + α))/2 (α default 4, Keras `squareplus`).
    case squareplus
    /// 0 for x ≤ −1, (x + 1)²/4 for |x| < 1, x for x ≥ 1 (Keras `sparse_plus`).
    case sparsePlus = "sparse_plus"

    /// The first parameter when the operation has no `alpha`.
    public var defaultAlpha: Double {
        switch self {
        case .elu, .celu: return 1
        case .selu: return 1.67326319217681884765625
        case .leakyRelu: return 0.01
        case .hardSigmoid: return 0.2
        case .clip: return -Double.infinity
        case .hardShrink, .softShrink: return 0.5
        case .squareplus: return 4
        default: return 0
        }
    }

    /// The second parameter when the operation has no `beta`.
    public var defaultBeta: Double {
        switch self {
        case .selu: return 1.05070102214813232421875
        case .hardSigmoid: return 0.5
        case .clip: return Double.infinity
        default: return 0
        }
    }

    /// f(x) with parameters `alpha` and `beta`.
    public func callAsFunction(_ x: Double, alpha: Double, beta: Double) -> Double {
        switch self {
        case .gelu: return 0.5 * x * (1 + libm_erf(x / 2.0.squareRoot()))
        case .geluTanh: return 0.5 * x * (1 + libm_tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        case .erf: return libm_erf(x)
        case .softplus: return Self.softplus(x)
        case .softsign: return x / (1 + abs(x))
        case .elu: return x > 0 ? x : alpha * (libm_exp(x) - 1)
        case .selu: return beta * (x > 0 ? x : alpha * (libm_exp(x) - 1))
        case .celu: return max(0, x) + min(0, alpha * (libm_exp(x / alpha) - 1))
        case .leakyRelu: return x >= 0 ? x : alpha * x
        case .relu6: return min(max(0, x), 6)
        case .hardSigmoid: return min(max(alpha * x + beta, 0), 1)
        case .hardSwish: return x * min(max(x / 6 + 0.5, 0), 1)
        case .clip: return min(max(x, alpha), beta)
        case .silu: return x / (1 + libm_exp(-x))
        case .mish: return x * libm_tanh(Self.softplus(x))
        case .exponential: return libm_exp(x)
        case .logSigmoid: return -Self.softplus(-x)
        case .tanhShrink: return x - libm_tanh(x)
        case .hardShrink: return abs(x) > alpha ? x : 0
        case .softShrink: return x > alpha ? x - alpha : x < -alpha ? x + alpha : 0
        case .squareplus: return (x + (x * x + alpha).squareRoot()) / 2
        case .sparsePlus: return x <= -1 ? 0 : x >= 1 ? x : (x + 1) * (x + 1) / 4
        }
    }

    /// f′(x): analytic where f is smooth, the one-sided value at the kinks
    /// (as the frameworks' autograd does), for fine-tuning.
    public func derivative(_ x: Double, alpha: Double, beta: Double) -> Double {
        switch self {
        case .gelu:
            let pdf = libm_exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            return 0.5 * (1 + libm_erf(x / 2.0.squareRoot())) + x * pdf
        case .erf: return 2 / Double.pi.squareRoot() * libm_exp(-x * x)
        case .softplus: return 1 / (1 + libm_exp(-x))
        case .softsign: return 1 / ((1 + abs(x)) * (1 + abs(x)))
        case .elu: return x > 0 ? 1 : alpha * libm_exp(x)
        case .selu: return beta * (x > 0 ? 1 : alpha * libm_exp(x))
        case .celu: return x > 0 ? 1 : libm_exp(x / alpha)
        case .leakyRelu: return x >= 0 ? 1 : alpha
        case .relu6: return x > 0 && x < 6 ? 1 : 0
        case .hardSigmoid: return (alpha * x + beta > 0 && alpha * x + beta < 1) ? alpha : 0
        case .hardSwish: return x < -3 ? 0 : x > 3 ? 1 : x / 3 + 0.5
        case .clip: return x > alpha && x < beta ? 1 : 0
        case .silu:
            let s = 1 / (1 + libm_exp(-x))
            return s * (1 + x * (1 - s))
        case .exponential: return libm_exp(x)
        case .logSigmoid: return 1 / (1 + libm_exp(x))
        case .tanhShrink: return libm_tanh(x) * libm_tanh(x)
        case .hardShrink: return abs(x) > alpha ? 1 : 0
        case .softShrink: return abs(x) > alpha ? 1 : 0
        case .squareplus: return (1 + x / (x * x + alpha).squareRoot()) / 2
        case .sparsePlus: return x <= -1 ? 0 : x >= 1 ? 1 : (x + 1) / 2
        case .geluTanh, .mish:
            // Central difference; both are smooth, the error is O(h²) ≈ 1e-10.
            let h = 1e-5 * max(1, abs(x))
            return (self(x + h, alpha: alpha, beta: beta) - self(x - h, alpha: alpha, beta: beta)) / (2 * h)
        }
    }

    /// log(1 + eˣ) without overflow.
    static func softplus(_ x: Double) -> Double {
        x > 30 ? x : x < -30 ? libm_exp(x) : libm_log1p(libm_exp(x))
    }
}

extension ActivationFunction {
    /// The function and its parameters named by an operation's attributes.
    /// - Returns: `nil` when `fn` is missing or unknown.
    public static func of(_ attributes: Attributes) -> (function: ActivationFunction, alpha: Double, beta: Double)? {
        guard let name = attributes["fn"]?.stringValue, let function = ActivationFunction(rawValue: name) else { return nil }
        return (function, attributes["alpha"]?.doubleValue ?? function.defaultAlpha,
                attributes["beta"]?.doubleValue ?? function.defaultBeta)
    }
}

extension ActivationFunction {
    /// The element-wise function of a `relu`, `sigmoid`, `tanh` or
    /// `activation` operation, with the name `--approximate` uses for it
    /// (`relu`, `sigmoid`, `tanh`, or the `fn`); `nil` for other operations.
    public static func scalarFunction(of operation: Operation) -> (name: String, function: @Sendable (Double) -> Double)? {
        switch operation.kind {
        case .relu: return ("relu", { max(0, $0) })
        case .sigmoid: return ("sigmoid", { 1 / (1 + libm_exp(-$0)) })
        case .tanh: return ("tanh", { libm_tanh($0) })
        case .activation:
            guard let (function, alpha, beta) = of(operation.attributes) else { return nil }
            return (function.rawValue, { function($0, alpha: alpha, beta: beta) })
        default: return nil
        }
    }
}
