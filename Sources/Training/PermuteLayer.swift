import HepexcIR

/// `permute`: reorders one non-batch axis (y[…, i, …] = x[…, perm[i], …]);
/// the backward pass scatters the gradient back with the same indices.
final class PermuteLayer: Layer {
    let operation: Operation

    init(operation: Operation) { self.operation = operation }

    private var perm: [Int] { operation.attributes["perm"]?.intsValue ?? [] }

    private func axis(rank: Int) -> Int { operation.attributes["axis"]?.intValue ?? rank - 1 }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        PermuteLayer.move(inputs[0], axis: axis(rank: inputs[0].shape.count), perm: perm, gather: true)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        guard needed.first == true else { return [nil] }
        return [PermuteLayer.move(gradient, axis: axis(rank: gradient.shape.count), perm: perm, gather: false)]
    }

    /// Gathers (`y[i] = x[perm[i]]`) or scatters (`y[perm[i]] = x[i]`) along `axis`.
    static func move(_ x: TrainingTensor, axis: Int, perm: [Int], gather: Bool) -> TrainingTensor {
        let source = IndexMap.permute(x.shape, axis: axis, perm: perm)
        if gather { return TrainingTensor(shape: x.shape, values: source.map { x.values[$0] }) }
        var out = [Float](repeating: 0, count: x.count)
        for (index, from) in source.enumerated() { out[from] = x.values[index] }
        return TrainingTensor(shape: x.shape, values: out)
    }
}
