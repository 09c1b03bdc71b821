import HepexcIR

/// `add`, `sub`, `mul` with NumPy broadcasting; either operand may be a
/// constant, which stays fixed (such constants are normalisation or scaling
/// factors, not weights).
final class ElementwiseLayer: Layer {
    let operation: Operation
    /// The constant operand at each position, `nil` for a value operand.
    private let constants: [TrainingTensor?]
    private var left = TrainingTensor(zeros: [0]), right = TrainingTensor(zeros: [0])
    private var leftIndex: [Int32] = [], rightIndex: [Int32] = []

    init(operation: Operation, constants: [TrainingTensor?]) {
        self.operation = operation
        self.constants = constants
    }

    func forward(_ inputs: [TrainingTensor], mode: LayerMode) -> TrainingTensor {
        var values = inputs.makeIterator()
        left = constants[0] ?? values.next() ?? TrainingTensor(zeros: [0])
        right = constants[1] ?? values.next() ?? TrainingTensor(zeros: [0])
        let shape: [Int]
        (shape, leftIndex, rightIndex) = ElementwiseLayer.broadcastIndices(left.shape, right.shape)
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

    /// The broadcast shape and, for every output element, the flat index into each operand.
    static func broadcastIndices(_ a: [Int], _ b: [Int]) -> ([Int], [Int32], [Int32]) {
        let rank = max(a.count, b.count)
        let aShape = Array(repeating: 1, count: rank - a.count) + a
        let bShape = Array(repeating: 1, count: rank - b.count) + b
        let shape = zip(aShape, bShape).map { max($0, $1) }
        func strides(_ s: [Int]) -> [Int] {
            var out = Array(repeating: 0, count: s.count), step = 1
            for axis in s.indices.reversed() { out[axis] = s[axis] == 1 ? 0 : step; step *= s[axis] }
            return out
        }
        let (aStrides, bStrides) = (strides(aShape), strides(bShape))
        let count = shape.reduce(1, *)
        var ai = [Int32](repeating: 0, count: count), bi = [Int32](repeating: 0, count: count)
        var index = Array(repeating: 0, count: rank)
        var aOffset = 0, bOffset = 0
        for flat in 0..<count {
            ai[flat] = Int32(aOffset)
            bi[flat] = Int32(bOffset)
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                aOffset += aStrides[axis]
                bOffset += bStrides[axis]
                if index[axis] < shape[axis] { break }
                aOffset -= aStrides[axis] * shape[axis]
                bOffset -= bStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return (shape, ai, bi)
    }

    static func combine(_ a: [Float], _ b: [Float], _ ai: [Int32], _ bi: [Int32], kind: OpKind) -> [Float] {
        var out = [Float](repeating: 0, count: ai.count)
        for i in out.indices {
            let (x, y) = (a[Int(ai[i])], b[Int(bi[i])])
            switch kind {
            case .add: out[i] = x + y
            case .sub: out[i] = x - y
            default: out[i] = x * y
            }
        }
        return out
    }

    /// Sums the output gradient back onto one operand's (possibly broadcast) elements.
    static func reduceGradient(_ dy: [Float], other: [Float], mineIndex: [Int32], otherIndex: [Int32],
                               count: Int, kind: OpKind, isLeft: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        for i in dy.indices {
            let factor: Float
            switch kind {
            case .add: factor = 1
            case .sub: factor = isLeft ? 1 : -1
            default: factor = other[Int(otherIndex[i])]
            }
            out[Int(mineIndex[i])] += dy[i] * factor
        }
        return out
    }
}
