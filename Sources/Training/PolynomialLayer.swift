import HepexcIR

/// `poly(%x) {coeffs = [c0, c1, …]}`: y = Σ cᵢ·xⁱ element-wise, with the
/// coefficients trainable (one shared set per operation).
///
/// Polynomials of degree ≥ 2 are activations and train; degree ≤ 1 ones are
/// affine maps (input normalisation, scaling) and stay fixed, as do all of
/// them when the trainer is told to freeze polynomials.
final class PolynomialLayer: Layer {
    let operation: Operation
    let coefficients: Parameter
    private var input: [Float] = []

    init(operation: Operation, coefficients: Parameter) {
        self.operation = operation
        self.coefficients = coefficients
    }

    var parameters: [Parameter] { [coefficients] }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        input = inputs[0].values
        return TrainingTensor(shape: inputs[0].shape, values: PolynomialLayer.evaluate(input, coefficients.values))
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        let (dx, dc) = PolynomialLayer.gradients(input, coefficients.values, gradient.values,
                                                 wantInput: needed.first == true)
        if coefficients.isTrainable {
            for index in dc.indices { coefficients.gradient[index] += dc[index] }
        }
        return [dx.map { TrainingTensor(shape: gradient.shape, values: $0) }]
    }
}
