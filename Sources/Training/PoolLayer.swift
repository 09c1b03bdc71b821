import HepexcIR

/// `avgpool2d`, `maxpool2d` and `global_avgpool` over NCHW windows, with the
/// interpreter's padding rules (padded positions never win a max and count
/// towards an average only with `count_include_pad`).
final class PoolLayer: Layer {
    /// One pooling window configuration.
    struct Window {
        var kernel: [Int], strides: [Int], pads: [Int]
        var countIncludePad: Bool, isMax: Bool
    }

    let operation: Operation
    private var inputShape: [Int] = []
    private var window = Window(kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], countIncludePad: false, isMax: false)
    /// For max pooling, the flat input index each output came from.
    private var winners: [Int32] = []

    init(operation: Operation) { self.operation = operation }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        let x = inputs[0]
        inputShape = x.shape
        let attributes = operation.attributes
        if operation.kind == .globalAvgpool {
            window = Window(kernel: [x.shape[2], x.shape[3]], strides: [1, 1], pads: [0, 0, 0, 0],
                            countIncludePad: true, isMax: false)
        } else {
            let kernel = attributes["kernel"]?.intsValue ?? [1, 1]
            window = Window(kernel: kernel, strides: attributes["strides"]?.intsValue ?? kernel,
                            pads: attributes["pads"]?.intsValue ?? [0, 0, 0, 0],
                            countIncludePad: attributes["count_include_pad"]?.boolValue ?? false,
                            isMax: operation.kind == .maxpool2d)
        }
        let (values, outH, outW, winners) = PoolLayer.pool(x.values, shape: x.shape, window)
        self.winners = winners
        return TrainingTensor(shape: [x.shape[0], x.shape[1], outH, outW], values: values)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        guard needed.first == true else { return [nil] }
        let dx = PoolLayer.unpool(gradient.values, outShape: gradient.shape, inputShape: inputShape,
                                  window, winners: winners)
        return [TrainingTensor(shape: inputShape, values: dx)]
    }
}
