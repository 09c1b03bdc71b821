import HepexcIR

/// Whether a forward pass is part of training (batch-norm uses batch
/// statistics and updates its running averages) or inference.
public enum LayerMode: Sendable, Equatable {
    case training
    case inference
}

/// One IR operation with a forward and a backward pass.
///
/// A layer caches what its backward pass needs during `forward`, so the
/// backward pass must follow the forward pass of the same batch.
protocol Layer: AnyObject {
    /// The operation this layer executes.
    var operation: Operation { get }
    /// Parameters the layer reads (trainable or not).
    var parameters: [Parameter] { get }
    /// Computes the result from the operation's value operands, in order.
    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor
    /// Accumulates parameter gradients and returns the gradient of each value
    /// operand (`nil` where `needed[i]` is false).
    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?]
}

extension Layer {
    var parameters: [Parameter] { [] }
}
