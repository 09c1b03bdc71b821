/// The canonical operation set every frontend imports into.
///
/// The set is deliberately small: ONNX and Keras layers are lowered onto it
/// (Gemm/MatMul → `dense`, Div by a constant → `mul`, Mul/Add/Pow chains on
/// one value → `poly`, Flatten → `reshape`, …). See `docs/ir.md` for each
/// operation's operands, attributes and semantics.
public enum OpKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// `dense(%x, @w, @b?)`: y = x·Wᵀ + b with x `[B, in]`, W `[out, in]`.
    case dense
    /// `conv2d(%x, @w, @b?) {strides, pads}`: NCHW, W `[O, I, kh, kw]`, groups 1.
    case conv2d
    /// Element-wise with NumPy broadcasting; either operand may be a constant.
    case add, sub, mul
    /// `poly(%x) {coeffs = [c0, c1, …]}`: Σ cᵢ·xⁱ element-wise.
    case poly
    /// Non-polynomial activations: importable, evaluated by the interpreter,
    /// refused for encrypted execution (replace them by a `poly`).
    case relu, sigmoid, tanh
    /// `activation(%x) {fn, alpha?, beta?}`: any other element-wise
    /// non-polynomial activation (``ActivationFunction``: gelu, erf,
    /// softplus, hard_sigmoid, clip, elu, …). Not HE-friendly.
    case activation
    /// `pad(%x) {pads = [top, left, bottom, right]}`: zero padding of an
    /// NCHW value's height and width; negative entries crop. Affine.
    case pad
    /// `avgpool2d(%x) {kernel, strides, pads, count_include_pad}`.
    case avgpool2d
    /// `global_avgpool(%x)`: mean over H and W, result `[B, C, 1, 1]`.
    case globalAvgpool = "global_avgpool"
    /// `maxpool2d(%x) {kernel, strides, pads}`: not HE-friendly.
    case maxpool2d
    /// `batchnorm(%x, @scale, @bias, @mean, @var) {epsilon}` over axis 1.
    case batchnorm
    /// `reshape(%x) {shape = [...]}`: new per-item shape; the batch is kept.
    case reshape
    /// `transpose(%x) {perm = [...]}`: perm[0] must be 0 (the batch stays first).
    case transpose
    /// `permute(%x) {axis, perm = [...]}`: reorders one non-batch axis,
    /// y[…, i, …] = x[…, perm[i], …]. Parameter-free; HE-PEx uses it for the
    /// client-side input and output permutations (docs/hepex.md).
    case permute
    /// `softmax(%x) {axis}`.
    case softmax
    /// `argmax(%x) {axis, keepdims}`: indices as `i64`.
    case argmax

    /// Whether encrypted (CKKS) execution can evaluate this operation exactly
    /// with additions and multiplications only.
    public var isHEFriendly: Bool {
        switch self {
        case .relu, .sigmoid, .tanh, .activation, .maxpool2d, .softmax, .argmax: return false
        default: return true
        }
    }

    /// What a user should do about a non-HE-friendly operation.
    public var heAdvice: String? {
        switch self {
        case .relu: return "approximate it by a polynomial: compile --approximate relu=poly2 (add --retrain --data TRAIN to fine-tune)"
        case .sigmoid: return "approximate it by a polynomial: compile --approximate sigmoid=poly3 (add --retrain --data TRAIN to fine-tune)"
        case .tanh: return "approximate it by a polynomial: compile --approximate tanh=poly3 (add --retrain --data TRAIN to fine-tune)"
        case .activation: return "approximate it by a polynomial: compile --approximate <fn>=poly4 (add --retrain --data TRAIN to fine-tune)"
        case .maxpool2d: return "replace it by average pooling: compile --approximate maxpool=avgpool (add --retrain --data TRAIN to fine-tune)"
        case .softmax, .argmax: return "evaluate on the client after decryption (monotone tail; dropped for HE)"
        default: return nil
        }
    }

    /// How many operands the operation takes (a range for optional bias).
    public var operandCount: ClosedRange<Int> {
        switch self {
        case .dense, .conv2d: return 2...3
        case .add, .sub, .mul: return 2...2
        case .batchnorm: return 5...5
        default: return 1...1
        }
    }
}
