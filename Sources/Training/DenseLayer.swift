import HepexcIR

/// `dense(%x, @w, @b?)`: y = x·Wᵀ + b with x `[B, in]` and W `[out, in]`.
final class DenseLayer: Layer {
    let operation: Operation
    let weight: Parameter
    let bias: Parameter?
    private var input = TrainingTensor(zeros: [0])

    init(operation: Operation, weight: Parameter, bias: Parameter?) {
        self.operation = operation
        self.weight = weight
        self.bias = bias
    }

    var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    var outFeatures: Int { weight.shape[0] }
    var inFeatures: Int { weight.shape[1] }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        input = inputs[0]
        let batch = input.batch
        var out = [Float](repeating: 0, count: batch * outFeatures)
        BLAS.gemm(transposeA: false, transposeB: true, m: batch, n: outFeatures, k: inFeatures,
                  input.values, weight.values, into: &out)
        if let bias { DenseLayer.addBias(bias.values, to: &out, rows: batch) }
        return TrainingTensor(shape: [batch, outFeatures], values: out)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        let batch = input.batch
        // dW += dYᵀ·X
        BLAS.gemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: batch,
                  gradient.values, input.values, beta: 1, into: &weight.gradient)
        if let bias { DenseLayer.accumulateColumnSums(gradient.values, rows: batch, into: &bias.gradient) }
        guard needed.first == true else { return [nil] }
        var dx = [Float](repeating: 0, count: batch * inFeatures)
        BLAS.gemm(transposeA: false, transposeB: false, m: batch, n: inFeatures, k: outFeatures,
                  gradient.values, weight.values, into: &dx)
        return [TrainingTensor(shape: input.shape, values: dx)]
    }
}
