import HepexcIR

/// `conv2d(%x, @w, @b?) {strides, pads}`: NCHW, W `[F, C, kh, kw]`, groups 1.
///
/// Computed as one matrix product per batch: the input is unfolded
/// (im2col) into `[B·P, C·kh·kw]` with P = outH·outW, multiplied by Wᵀ, and
/// the result is permuted to NCHW.
final class Conv2DLayer: Layer {
    /// The sizes of one convolution.
    struct Geometry {
        var channels: Int, height: Int, width: Int
        var filters: Int, kernelH: Int, kernelW: Int
        var strideH: Int, strideW: Int, padTop: Int, padLeft: Int
        var outH: Int, outW: Int
        var patch: Int { channels * kernelH * kernelW }
        var positions: Int { outH * outW }
    }

    let operation: Operation
    let weight: Parameter
    let bias: Parameter?
    private var columns: [Float] = []
    private var geometry: Geometry?
    private var batch = 0

    init(operation: Operation, weight: Parameter, bias: Parameter?) {
        self.operation = operation
        self.weight = weight
        self.bias = bias
    }

    var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    private func geometry(for shape: [Int]) -> Geometry {
        let strides = operation.attributes["strides"]?.intsValue ?? [1, 1]
        let pads = operation.attributes["pads"]?.intsValue ?? [0, 0, 0, 0]
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        return Geometry(channels: shape[1], height: shape[2], width: shape[3],
                        filters: weight.shape[0], kernelH: kh, kernelW: kw,
                        strideH: strides[0], strideW: strides[1], padTop: pads[0], padLeft: pads[1],
                        outH: (shape[2] + pads[0] + pads[2] - kh) / strides[0] + 1,
                        outW: (shape[3] + pads[1] + pads[3] - kw) / strides[1] + 1)
    }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        let x = inputs[0]
        let g = geometry(for: x.shape)
        geometry = g
        batch = x.batch
        columns = Conv2DLayer.im2col(x.values, batch: batch, g)
        let rows = batch * g.positions
        var product = [Float](repeating: 0, count: rows * g.filters)
        BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: g.filters, k: g.patch,
                  columns, weight.values, into: &product)
        let out = Conv2DLayer.toNCHW(product, bias: bias?.values, batch: batch, g)
        return TrainingTensor(shape: [batch, g.filters, g.outH, g.outW], values: out)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        guard let g = geometry else { return [nil] }
        let rows = batch * g.positions
        let (dProduct, sums) = Conv2DLayer.fromNCHW(gradient.values, batch: batch, g)
        if let bias { for f in 0..<g.filters { bias.gradient[f] += sums[f] } }
        // dW += dYᵀ·cols
        BLAS.gemm(transposeA: true, transposeB: false, m: g.filters, n: g.patch, k: rows,
                  dProduct, columns, beta: 1, into: &weight.gradient)
        guard needed.first == true else { return [nil] }
        var dColumns = [Float](repeating: 0, count: rows * g.patch)
        BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: g.patch, k: g.filters,
                  dProduct, weight.values, into: &dColumns)
        let dx = Conv2DLayer.col2im(dColumns, batch: batch, g)
        return [TrainingTensor(shape: [batch, g.channels, g.height, g.width], values: dx)]
    }
}
