internal import HepexcIR

/// The dense and conv2d layers of a chain graph and which of their axes the
/// `permute` pass may reorder without changing the function.
///
/// Axis 0 is the first layer's input (features of a dense layer, channels of
/// a convolution), axis ℓ (1 ≤ ℓ < L) the neurons or channels between layers
/// ℓ and ℓ+1 (rows of Wℓ, columns or column groups of Wℓ₊₁), and axis L the
/// last layer's outputs. A convolution's weight is the matrix
/// `[O, I·kh·kw]`, so one of its input channels is a group of kh·kw
/// consecutive columns; a channel of H×W values flattened into a dense layer
/// is a group of H·W columns. An axis is permutable when every operation
/// between its two layers commutes with a permutation of its points:
/// element-wise activations and `poly`, `batchnorm` and constant
/// `add`/`sub`/`mul` whose constants are scalars or per point (they move with
/// the points), pooling while the channels are spatial, and reshapes that
/// flatten channel-major or keep the channel axis.
struct PermutationChain {
    /// A constant that moves with an axis: `group` consecutive entries per point.
    struct MovedConstant: Equatable {
        var name: String
        var group: Int
    }

    /// The dense and conv2d layers, in chain order.
    var layers: [PrunableLayer]
    /// Operation indices between layer ℓ−1 and ℓ (index ℓ), before the first
    /// (index 0) and after the last (index L).
    var between: [[Int]]
    var permutable: [Bool]
    /// Per axis: consecutive columns of the layer after it that form one
    /// point (1 for dense neurons and for the last axis).
    var columnGroups: [Int]
    /// Per axis: the per-point constants between its two layers.
    var moved: [[MovedConstant]]
    /// Consecutive flat input features per point of axis 0 (H·W of an image
    /// channel before a convolution, else 1).
    var inputGroup = 1
    /// Consecutive features per point along axis 1 of the last chain value
    /// (H·W of a flattened channel, else 1).
    var outputGroup = 1
    /// An existing client permute in the prefix (index 0) or suffix.
    var leadingPermute: Int?
    var trailingPermute: Int?
    /// The index of the first client-tail operation (softmax/argmax), if any.
    var tailStart: Int?

    init(_ graph: Graph, layers all: [PrunableLayer], pass: String) throws(PassError) {
        func fail(_ reason: String) -> PassError { .failed(pass: pass, position: 0, reason: reason) }
        guard graph.inputs.count == 1, let input = graph.inputs.first, graph.outputs.count == 1 else {
            throw fail("permute needs a graph with one input and one output")
        }
        var current = input.name
        for operation in graph.operations {
            // mul(%x, %x) (an imported x²) reads the chain value twice.
            guard !operation.valueOperands.isEmpty, operation.valueOperands.allSatisfy({ $0 == current }) else {
                throw fail("%\(Identifier.printable(operation.result)) is not on a single input→output chain")
            }
            current = operation.result
        }
        guard graph.outputs == [current] else { throw fail("the output must be the end of the chain") }
        tailStart = graph.operations.firstIndex { $0.kind == .softmax || $0.kind == .argmax }
        let end = tailStart ?? graph.operations.count
        layers = all.filter { ($0.kind == .dense || $0.kind == .conv2d) && $0.operationIndex < end }
            .sorted { $0.operationIndex < $1.operationIndex }
        var constantsSeen = Set<String>()
        for layer in layers {
            for name in [layer.weight, layer.bias].compactMap({ $0 }) {
                guard constantsSeen.insert(name).inserted else { throw fail("@\(Identifier.printable(name)) is shared by two layers") }
            }
        }
        between = []
        var start = 0
        for layer in layers {
            between.append(Array(start..<layer.operationIndex))
            start = layer.operationIndex + 1
        }
        between.append(Array(start..<end))
        permutable = Array(repeating: false, count: between.count)
        columnGroups = Array(repeating: 1, count: between.count)
        moved = Array(repeating: [], count: between.count)
        guard !layers.isEmpty else { return }
        // A per-point constant read twice would be permuted for one reader
        // only, so such axes stay fixed.
        var uses: [String: Int] = [:]
        for operation in graph.operations {
            for operand in operation.operands where operand.isConstant { uses[operand.name, default: 0] += 1 }
        }
        permutable[0] = inputAxis(graph)
        for a in 1..<between.count {
            permutable[a] = hiddenAxis(a, graph, uses: uses)
        }
    }

    /// The points of axis 0 and the flat input features they cover. The
    /// client permutes the flat input vector, so only operations that keep
    /// every feature in place may come before the first layer.
    private mutating func inputAxis(_ graph: Graph) -> Bool {
        guard let input = graph.inputs.first, let features = input.type.elementsPerItem else { return false }
        let first = layers[0]
        var points = first.columns
        if first.kind == .conv2d {
            guard let shape = graph.constants[first.weight]?.type.staticShape, shape.count == 4 else { return false }
            points = shape[1]
        }
        guard points > 0, features % points == 0, first.columns % points == 0 else { return false }
        for index in between[0] {
            let operation = graph.operations[index]
            switch operation.kind {
            case .reshape, .poly, .relu, .sigmoid, .tanh, .activation:
                continue
            case .add, .sub, .mul:
                guard Self.isElementwise(operation) || Self.constant(of: operation, in: graph)?.elementCount == 1 else {
                    return false
                }
            case .permute:
                guard leadingPermute == nil, operation.type.rank == 2,
                      operation.attributes["perm"]?.intsValue?.count == features else { return false }
                leadingPermute = index
            default:
                return false
            }
        }
        inputGroup = features / points
        columnGroups[0] = first.columns / points
        return true
    }

    /// Where the points of an axis sit in the value between two layers.
    private struct Layout {
        /// Neurons or channels.
        var points: Int
        /// Consecutive values per point (H·W of a channel).
        var inner: Int
        /// `[B, C, H, W]` with the points on axis 1; otherwise `[B, points·inner]`.
        var spatial: Bool
    }

    /// Follows axis `a` (1 ≤ a ≤ L) from the rows of layer a−1 through the
    /// operations after it, recording the constants that move with it.
    private mutating func hiddenAxis(_ a: Int, _ graph: Graph, uses: [String: Int]) -> Bool {
        let before = layers[a - 1]
        var layout = Layout(points: before.rows, inner: 1, spatial: false)
        if before.kind == .conv2d {
            guard let inner = Self.spatialSize(graph.operations[before.operationIndex].type) else { return false }
            layout = Layout(points: before.rows, inner: inner, spatial: true)
        }
        var moving: [MovedConstant] = []
        for index in between[a] {
            let operation = graph.operations[index]
            let perPoint = layout.spatial ? layout.points : layout.points * layout.inner
            switch operation.kind {
            case .poly, .relu, .sigmoid, .tanh, .activation:
                continue
            case .permute:
                guard a == layers.count, index == between[a].last, trailingPermute == nil,
                      (operation.attributes["axis"]?.intValue ?? operation.type.rank - 1) == 1,
                      operation.attributes["perm"]?.intsValue?.count == perPoint else { return false }
                trailingPermute = index
            case .batchnorm:
                // Statistics are per entry of axis 1: per channel, or per
                // feature once flattened.
                let statistics = operation.operands.dropFirst()
                guard statistics.allSatisfy({ $0.isConstant && graph.constants[$0.name]?.elementCount == perPoint }) else {
                    return false
                }
                moving += statistics.map { MovedConstant(name: $0.name, group: layout.spatial ? 1 : layout.inner) }
            case .add, .sub, .mul:
                if Self.isElementwise(operation) { continue }
                guard let constant = Self.constant(of: operation, in: graph), let shape = constant.type.staticShape else {
                    return false
                }
                if constant.elementCount == 1 { continue }
                guard let group = Self.pointGroup(shape, layout: layout, type: operation.type) else { return false }
                moving.append(MovedConstant(name: operation.operands[1].name, group: group))
            case .avgpool2d, .maxpool2d, .globalAvgpool:
                guard layout.spatial, let inner = Self.spatialSize(operation.type) else { return false }
                layout.inner = inner
            case .reshape:
                let dims = operation.type.dimensions
                if dims.count == 2 {
                    // Flattening [B, C, H, W] keeps channel c's values at c·H·W ..< (c+1)·H·W.
                    layout.spatial = false
                } else if dims.count == 4, dims[1] == layout.points, let inner = Self.spatialSize(operation.type) {
                    layout.spatial = true
                    layout.inner = inner
                } else {
                    return false
                }
            default:
                return false
            }
        }
        guard moving.allSatisfy({ uses[$0.name] == 1 }) else { return false }
        if a < layers.count {
            let after = layers[a]
            if after.kind == .dense {
                guard !layout.spatial, after.columns == layout.points * layout.inner else { return false }
                // Dense neurons are clustered into tiles of both layers at once.
                if layout.inner == 1 && before.kind == .dense && before.rowBlock != after.columnBlock { return false }
                columnGroups[a] = layout.inner
            } else {
                guard layout.spatial, let shape = graph.constants[after.weight]?.type.staticShape, shape.count == 4,
                      shape[1] == layout.points else { return false }
                columnGroups[a] = after.columns / layout.points
            }
        } else {
            outputGroup = layout.spatial ? 1 : layout.inner
        }
        moved[a] = moving
        return true
    }

    /// An `add`/`sub`/`mul` of the chain value with itself (x², 2x, 0).
    private static func isElementwise(_ operation: Operation) -> Bool {
        operation.operands.allSatisfy { !$0.isConstant }
    }

    /// The constant second operand of an `add`/`sub`/`mul`.
    private static func constant(of operation: Operation, in graph: Graph) -> Constant? {
        guard operation.operands.count == 2, operation.operands[1].isConstant else { return nil }
        return graph.constants[operation.operands[1].name]
    }

    /// H·W of a static `[B, C, H, W]` type.
    private static func spatialSize(_ type: TensorType) -> Int? {
        guard type.rank == 4, let h = type.dimensions[2], let w = type.dimensions[3] else { return nil }
        return h * w
    }

    /// How many consecutive entries of a broadcast constant belong to one
    /// point, or `nil` when the constant does not broadcast per point:
    /// `[C, 1, 1]` (1) or `[C, H, W]` (H·W) against `[B, C, H, W]`, `[n]`
    /// or `[1, n]` (inner) against `[B, n]`; leading 1s allowed.
    private static func pointGroup(_ shape: [Int], layout: Layout, type: TensorType) -> Int? {
        if !layout.spatial {
            let features = layout.points * layout.inner
            guard type.rank == 2, shape.last == features, shape.dropLast().allSatisfy({ $0 == 1 }) else { return nil }
            return layout.inner
        }
        guard shape.count >= 3, shape.dropLast(3).allSatisfy({ $0 == 1 }), shape[shape.count - 3] == layout.points else {
            return nil
        }
        let spatial = Array(shape.suffix(2))
        if spatial == [1, 1] { return 1 }
        guard type.rank == 4, spatial.map(Optional.some) == Array(type.dimensions.suffix(2)) else { return nil }
        return layout.inner
    }
}
