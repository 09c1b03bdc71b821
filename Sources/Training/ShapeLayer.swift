import HepexcIR

/// `reshape` and `transpose`: move values without arithmetic.
final class ShapeLayer: Layer {
    let operation: Operation
    private var inputShape: [Int] = []

    init(operation: Operation) { self.operation = operation }

    private var perm: [Int] { operation.attributes["perm"]?.intsValue ?? [] }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        let x = inputs[0]
        inputShape = x.shape
        if operation.kind == .transpose { return ShapeLayer.transpose(x, perm: perm) }
        let shape = [x.batch] + (operation.attributes["shape"]?.intsValue ?? [x.itemCount])
        return x.reshaped(shape)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        guard needed.first == true else { return [nil] }
        if operation.kind == .transpose {
            var inverse = Array(repeating: 0, count: perm.count)
            for (axis, source) in perm.enumerated() { inverse[source] = axis }
            return [ShapeLayer.transpose(gradient, perm: inverse)]
        }
        return [gradient.reshaped(inputShape)]
    }

    /// The tensor with its axes permuted.
    static func transpose(_ x: TrainingTensor, perm: [Int]) -> TrainingTensor {
        let shape = perm.map { x.shape[$0] }
        var sourceStrides = Array(repeating: 1, count: x.shape.count)
        var step = 1
        for axis in x.shape.indices.reversed() { sourceStrides[axis] = step; step *= x.shape[axis] }
        let strides = perm.map { sourceStrides[$0] }
        var out = [Float](repeating: 0, count: x.count)
        var index = Array(repeating: 0, count: shape.count)
        var offset = 0
        for flat in 0..<x.count {
            out[flat] = x.values[offset]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return TrainingTensor(shape: shape, values: out)
    }
}
