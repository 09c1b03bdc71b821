import HepexcIR

/// `pad`: zero padding (negative entries crop) of an NCHW value's height
/// and width. The backward pass crops the gradient back (or pads it).
final class PadLayer: Layer {
    let operation: Operation
    private var inputShape: [Int] = []

    init(operation: Operation) { self.operation = operation }

    private var pads: [Int] { operation.attributes["pads"]?.intsValue ?? [0, 0, 0, 0] }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        let x = inputs[0]
        inputShape = x.shape
        return PadLayer.pad(x, pads)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        guard needed.first == true else { return [nil] }
        return [PadLayer.pad(gradient, pads.map { -$0 })]
    }

    /// `x` [B, C, H, W] with `pads` [top, left, bottom, right] zeros added
    /// (removed where negative).
    static func pad(_ x: TrainingTensor, _ pads: [Int]) -> TrainingTensor {
        let (planes, height, width) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let outH = height + pads[0] + pads[2], outW = width + pads[1] + pads[3]
        var out = [Float](repeating: 0, count: planes * outH * outW)
        for plane in 0..<planes {
            for oy in 0..<outH {
                let iy = oy - pads[0]
                guard iy >= 0, iy < height else { continue }
                for ox in 0..<outW {
                    let ix = ox - pads[1]
                    guard ix >= 0, ix < width else { continue }
                    out[(plane * outH + oy) * outW + ox] = x.values[(plane * height + iy) * width + ix]
                }
            }
        }
        return TrainingTensor(shape: [x.shape[0], x.shape[1], outH, outW], values: out)
    }
}
