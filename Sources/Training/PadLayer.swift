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
        let (height, width) = (x.shape[2], x.shape[3])
        let out = PlanePadding.pad(x.values, planes: x.shape[0] * x.shape[1], height: height, width: width, pads: pads)
        return TrainingTensor(shape: [x.shape[0], x.shape[1], height + pads[0] + pads[2], width + pads[1] + pads[3]], values: out)
    }
}
