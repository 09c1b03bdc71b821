/// How image data on disk is laid out (`--layout`): hepexc never guesses.
/// Data whose item shape differs from the model's input only by a
/// permutation of channels and pixels is refused unless the user names the
/// data's layout; then it is transposed to the model's.
public enum DataLayout: String, CaseIterable, Sendable {
    /// `[N, C, H, W]` (PyTorch, ONNX).
    case nchw
    /// `[N, H, W, C]` (Keras, TensorFlow).
    case nhwc
}
