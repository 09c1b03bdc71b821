public import HepexcIR

/// The dense layers of a chain graph and which of their axes the `permute`
/// pass may reorder without changing the function.
///
/// Axis 0 is the first layer's input features, axis ℓ (1 ≤ ℓ < L) the hidden
/// neurons between dense layers ℓ and ℓ+1 (rows of Wℓ, columns of Wℓ₊₁), and
/// axis L the last layer's outputs. An axis is permutable when every
/// operation between its two layers commutes with a permutation of the
/// features: element-wise activations, `poly`, reshapes that keep `[B, n]`,
/// `batchnorm` and constant `add`/`sub`/`mul` (whose per-feature constants
/// move with the neurons). Convolutions are not permuted (their axes stay
/// fixed; docs/hepex.md).
struct PermutationChain {
    /// Chain positions (operation indices) of the dense layers, in order.
    var layers: [PrunableLayer]
    /// Operation indices between dense ℓ and ℓ+1 (index ℓ), before the first
    /// (index 0) and after the last (index L).
    var between: [[Int]]
    var permutable: [Bool]
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
        for (index, operation) in graph.operations.enumerated() {
            guard operation.valueOperands == [current] else {
                throw fail("%\(Identifier.printable(operation.result)) is not on a single input→output chain")
            }
            current = operation.result
        }
        guard graph.outputs == [current] else { throw fail("the output must be the end of the chain") }
        tailStart = graph.operations.firstIndex { $0.kind == .softmax || $0.kind == .argmax }
        let end = tailStart ?? graph.operations.count
        layers = all.filter { $0.kind == .dense && $0.operationIndex < end }.sorted { $0.operationIndex < $1.operationIndex }
        var constantsSeen = Set<String>()
        for layer in layers {
            for name in [layer.weight, layer.bias].compactMap({ $0 }) {
                guard constantsSeen.insert(name).inserted else { throw fail("@\(Identifier.printable(name)) is shared by two layers") }
            }
        }
        let hasConv = graph.operations.contains { $0.kind == .conv2d }
        between = []
        permutable = []
        var start = 0
        for layer in layers {
            between.append(Array(start..<layer.operationIndex))
            start = layer.operationIndex + 1
        }
        between.append(Array(start..<end))
        for (a, ops) in between.enumerated() {
            var ok = !layers.isEmpty
            let width = a == 0 ? layers.first?.columns : layers[a - 1].rows
            for index in ops {
                let operation = graph.operations[index]
                switch operation.kind {
                case .permute:
                    if a == 0 && leadingPermute == nil && operation.type.rank == 2 { leadingPermute = index }
                    else if a == layers.count && index == ops.last { trailingPermute = index }
                    else { ok = false }
                case .conv2d, .avgpool2d, .maxpool2d, .globalAvgpool, .transpose, .softmax, .argmax, .dense:
                    ok = false
                case .batchnorm:
                    ok = ok && a > 0 && operation.type.rank == 2
                case .add, .sub, .mul:
                    let constant = operation.operands.count == 2 && operation.operands[1].isConstant
                        ? graph.constants[operation.operands[1].name] : nil
                    let count = constant?.elementCount ?? -1
                    let shape = constant?.type.staticShape ?? []
                    ok = ok && (count == 1 || (a > 0 && count == width && shape.last == width && operation.type.rank == 2))
                case .reshape:
                    ok = ok && (a == 0 || operation.type.rank == 2)
                case .poly, .relu, .sigmoid, .tanh:
                    break
                }
            }
            if a == 0 && hasConv { ok = false }
            if a > 0 && a < layers.count, layers[a - 1].rowBlock != layers[a].columnBlock { ok = false }
            permutable.append(ok)
        }
    }
}
