internal import HepexcIR

/// What an ONNX tensor name stands for while a graph is being imported.
enum ImportedValue {
    /// A run-time value of the IR graph.
    case value(String, TensorType)
    /// A compile-time constant.
    case folded(FoldedTensor)
    /// Part of a stripped post-processing tail (label lookup, string casts,
    /// …): it may only flow into other tail nodes or graph outputs, which are
    /// then dropped from the imported graph.
    case stripped(node: String, opType: String)
    /// The output of a node that could not be imported (already reported);
    /// whatever reads it is skipped silently.
    case poisoned
    /// An auxiliary output we do not produce (Dropout's mask, MaxPool's
    /// indices, training-mode statistics).
    case unavailable(node: String, output: Int)
}
