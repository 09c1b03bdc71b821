import HepexcIR

/// `add`, `sub`, `mul` with NumPy broadcasting; either operand may be a
/// constant, which stays fixed (such constants are normalisation or scaling
/// factors, not weights).
final class ElementwiseLayer: Layer {
    let operation: Operation
    /// The constant operand at each position, `nil` for a value operand.
    private let constants: [TrainingTensor?]
    private var left = TrainingTensor(zeros: [0]), right = TrainingTensor(zeros: [0])
    private var leftIndex: [Int] = [], rightIndex: [Int] = []

    init(operation: Operation, constants: [TrainingTensor?]) {
        self.operation = operation
        self.constants = constants
    }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        var values = inputs.makeIterator()
        left = constants[0] ?? values.next() ?? TrainingTensor(zeros: [0])
        right = constants[1] ?? values.next() ?? TrainingTensor(zeros: [0])
        let shape: [Int]
        (shape, leftIndex, rightIndex) = IndexMap.broadcast(left.shape, right.shape)
        let out = ElementwiseLayer.combine(left.values, right.values, leftIndex, rightIndex, kind: operation.kind)
        return TrainingTensor(shape: shape, values: out)
    }

    func backward(_ gradient: TrainingTensor, needed: [Bool]) -> [TrainingTensor?] {
        var results: [TrainingTensor?] = []
        var position = 0
        for side in 0..<2 where constants[side] == nil {
            defer { position += 1 }
            guard position < needed.count, needed[position] else { results.append(nil); continue }
            let mine = side == 0 ? left : right
            let values = ElementwiseLayer.reduceGradient(
                gradient.values, other: side == 0 ? right.values : left.values,
                mineIndex: side == 0 ? leftIndex : rightIndex, otherIndex: side == 0 ? rightIndex : leftIndex,
                count: mine.count, kind: operation.kind, isLeft: side == 0)
            results.append(TrainingTensor(shape: mine.shape, values: values))
        }
        return results
    }

    static func combine(_ a: [Float], _ b: [Float], _ ai: [Int], _ bi: [Int], kind: OpKind) -> [Float] {
        var out = [Float](repeating: 0, count: ai.count)
        for i in out.indices {
            let (x, y) = (a[ai[i]], b[bi[i]])
            switch kind {
            case .add: out[i] = x + y
            case .sub: out[i] = x - y
            default: out[i] = x * y
            }
        }
        return out
    }

    /// Sums the output gradient back onto one operand's (possibly broadcast) elements.
    static func reduceGradient(_ dy: [Float], other: [Float], mineIndex: [Int], otherIndex: [Int],
                               count: Int, kind: OpKind, isLeft: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        for i in dy.indices {
            let factor: Float
            switch kind {
            case .add: factor = 1
            case .sub: factor = isLeft ? 1 : -1
            default: factor = other[otherIndex[i]]
            }
            out[mineIndex[i]] += dy[i] * factor
        }
        return out
    }
}
