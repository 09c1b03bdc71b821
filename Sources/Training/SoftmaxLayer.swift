import HepexcIR

/// `softmax(%x) {axis}` inside a network (a final softmax before a
/// cross-entropy loss is skipped instead: the loss includes it).
final class SoftmaxLayer: Layer {
    let operation: Operation
    private var output = TrainingTensor(zeros: [0])

    init(operation: Operation) { self.operation = operation }

    private func lanes(_ shape: [Int]) -> (outer: Int, length: Int, inner: Int) {
        let axis = operation.attributes["axis"]?.intValue ?? shape.count - 1
        return (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        var y = inputs[0]
        let (outer, length, inner) = lanes(y.shape)
        for o in 0..<outer {
            for i in 0..<inner {
                let start = o * length * inner + i
                var peak = -Float.infinity
                for k in 0..<length { peak = max(peak, y.values[start + k * inner]) }
                var total: Float = 0
                for k in 0..<length {
                    let e = PolynomialLayer.exp(y.values[start + k * inner] - peak)
                    y.values[start + k * inner] = e
                    total += e
                }
                for k in 0..<length { y.values[start + k * inner] /= total }
            }
        }
        output = y
        return y
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        guard needed.first == true else { return [nil] }
        var dx = gradient
        let (outer, length, inner) = lanes(gradient.shape)
        for o in 0..<outer {
            for i in 0..<inner {
                let start = o * length * inner + i
                var dot: Float = 0
                for k in 0..<length { dot += gradient.values[start + k * inner] * output.values[start + k * inner] }
                for k in 0..<length {
                    let index = start + k * inner
                    dx.values[index] = output.values[index] * (gradient.values[index] - dot)
                }
            }
        }
        return [dx]
    }
}
