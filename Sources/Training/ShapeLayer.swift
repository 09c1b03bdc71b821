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
        let map = IndexMap.transpose(x.shape, perm: perm)
        return TrainingTensor(shape: map.shape, values: map.source.map { x.values[$0] })
    }
}
