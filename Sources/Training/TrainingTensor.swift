/// A dense row-major `Float` tensor: the training engine's activations,
/// gradients and parameters. Training computes in single precision; the IR's
/// `Double` tensors are converted on the way in and out.
struct TrainingTensor: Sendable {
    var shape: [Int]
    var values: [Float]

    init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    init(zeros shape: [Int]) {
        self.init(shape: shape, values: Array(repeating: 0, count: shape.reduce(1, *)))
    }

    var count: Int { values.count }
    /// The leading (batch) dimension.
    var batch: Int { shape.first ?? 1 }
    /// Elements per batch item.
    var itemCount: Int { shape.dropFirst().reduce(1, *) }

    func reshaped(_ newShape: [Int]) -> TrainingTensor { TrainingTensor(shape: newShape, values: values) }
}
