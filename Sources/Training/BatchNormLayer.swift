import HepexcIR

/// `batchnorm(%x, @scale, @bias, @mean, @var) {epsilon}` over axis 1.
///
/// In training mode it normalises with the batch's statistics (biased
/// variance) and updates the running mean and variance (unbiased) with
/// momentum 0.1, as PyTorch does; in inference mode it uses the running
/// statistics. Scale and bias train; the statistics are buffers. After
/// training the `fold-bn` pass folds it into the preceding layer.
final class BatchNormLayer: Layer {
    let operation: Operation
    let scale: Parameter, bias: Parameter, mean: Parameter, variance: Parameter
    let momentum: Float = 0.1
    private var normalized: [Float] = []
    private var inverseStd: [Float] = []
    private var shape: [Int] = []
    private var usedBatchStatistics = false

    init(operation: Operation, scale: Parameter, bias: Parameter, mean: Parameter, variance: Parameter) {
        self.operation = operation
        self.scale = scale
        self.bias = bias
        self.mean = mean
        self.variance = variance
    }

    var parameters: [Parameter] { [scale, bias, mean, variance] }
    var epsilon: Float { Float(operation.attributes["epsilon"]?.doubleValue ?? 1e-5) }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        let x = inputs[0]
        shape = x.shape
        let channels = x.shape[1]
        let inner = x.shape.dropFirst(2).reduce(1, *)
        let count = x.batch * inner
        var means = mean.values, variances = variance.values
        usedBatchStatistics = mode == .training && count > 1
        if usedBatchStatistics {
            let stats = BatchNormLayer.statistics(x.values, batch: x.batch, channels: channels, inner: inner)
            means = stats.mean
            variances = stats.variance
            let correction = Float(count) / Float(count - 1)
            for c in 0..<channels {
                mean.values[c] = (1 - momentum) * mean.values[c] + momentum * means[c]
                variance.values[c] = (1 - momentum) * variance.values[c] + momentum * variances[c] * correction
            }
        }
        inverseStd = variances.map { 1 / ($0 + epsilon).squareRoot() }
        normalized = BatchNormLayer.normalize(x.values, batch: x.batch, channels: channels, inner: inner,
                                              mean: means, inverseStd: inverseStd)
        let y = BatchNormLayer.affine(normalized, batch: x.batch, channels: channels, inner: inner,
                                      scale: scale.values, bias: bias.values)
        return TrainingTensor(shape: x.shape, values: y)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        let channels = shape[1]
        let inner = shape.dropFirst(2).reduce(1, *)
        let (dx, dScale, dBias) = BatchNormLayer.gradients(
            gradient.values, normalized: normalized, batch: shape[0], channels: channels, inner: inner,
            scale: scale.values, inverseStd: inverseStd, throughStatistics: usedBatchStatistics)
        for c in 0..<channels {
            scale.gradient[c] += dScale[c]
            bias.gradient[c] += dBias[c]
        }
        guard needed.first == true else { return [nil] }
        return [TrainingTensor(shape: shape, values: dx)]
    }
}
