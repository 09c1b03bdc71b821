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
        let outer = x.shape[..<axis].reduce(1, *)
        let extent = x.shape[axis]
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: x.count)
        for o in 0..<outer {
            for i in 0..<extent {
                let a = (o * extent + i) * inner, b = (o * extent + perm[i]) * inner
                let (target, source) = gather ? (a, b) : (b, a)
                for k in 0..<inner { out[target + k] = x.values[source + k] }
            }
        }
        return TrainingTensor(shape: x.shape, values: out)
    }
}
