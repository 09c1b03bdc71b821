internal import HepexcIR

/// A Keras tensor as imported: the IR value holding it and its layout.
///
/// Keras images are NHWC; the IR's conv2d and pools are NCHW. A rank-4
/// value with `channelsFirst` holds the Keras tensor `[B, H, W, C]`
/// physically as `[B, C, H, W]`; every other value is stored exactly in
/// Keras' order. Layers convert between the two with `transpose` only where
/// the order matters (before a Flatten or Reshape, at the outputs).
struct KerasValue {
    var name: String
    var type: TensorType
    var channelsFirst: Bool

    /// The shape as Keras sees it.
    var kerasDimensions: [Int?] {
        guard channelsFirst, type.rank == 4 else { return type.dimensions }
        let d = type.dimensions
        return [d[0], d[2], d[3], d[1]]
    }
}

/// Why one layer cannot be imported: unsupported (collected, the import goes
/// on to report every such layer) or fatal (thrown at once).
enum LayerIssue: Error {
    case unsupported(String?)
    case fatal(FrontendError)
}

/// Builds an IR ``Graph`` from a Keras model config and its weights. One
/// builder per import; see ``KerasImporter`` for the entry point.
final class KerasGraphBuilder {
    var graph: Graph
    let model: KerasModelConfig
    let weights: KerasWeightStore
    /// The output value of each imported layer, by layer name.
    var values: [String: KerasValue] = [:]
    var unsupported: [UnsupportedLayer] = []
    private var counter = 0
    private var usedNames: Set<String> = []

    init(model: KerasModelConfig, weights: KerasWeightStore) {
        self.graph = Graph(name: model.name)
        self.model = model
        self.weights = weights
    }

    /// A fresh SSA name (`%0`, `%1`, …).
    func freshName() -> String {
        while true {
            defer { counter += 1 }
            if !usedNames.contains(String(counter)) { return String(counter) }
        }
    }

    /// Adds an operation typed by shape inference.
    func emit(_ kind: OpKind, _ operands: [Operand], attributes: Attributes = [:],
              layer: KerasLayer) throws(LayerIssue) -> (name: String, type: TensorType) {
        let result = freshName()
        do {
            let type = try graph.appendTyped(kind, operands, attributes: attributes, result: result,
                                             valueTypes: valueTypeCache, owner: layer.name)
            usedNames.insert(result)
            valueTypeCache[result] = type
            return (result, type)
        } catch {
            throw .fatal(error)
        }
    }

    /// Types of the IR values defined so far (inputs and results).
    private var valueTypeCache: [String: TensorType] = [:]

    /// Declares a graph input.
    func addInput(name: String, type: TensorType) {
        graph.inputs.append(GraphInput(name: name, type: type))
        usedNames.insert(name)
        valueTypeCache[name] = type
    }

    /// Renames the result of the last operation to `name` (a layer's name)
    /// when that name is still free; returns the final name.
    func nameLastResult(_ name: String) -> String? {
        guard let index = graph.operations.indices.last else { return nil }
        let old = graph.operations[index].result
        guard !usedNames.contains(name) else { return old }
        graph.operations[index].result = name
        usedNames.remove(old)
        usedNames.insert(name)
        valueTypeCache[name] = valueTypeCache.removeValue(forKey: old)
        return name
    }

    /// Registers a constant `name` (suffixed when taken).
    func constant(_ tensor: Tensor, name: String) -> Operand {
        var candidate = name
        var suffix = 1
        while graph.constants[candidate] != nil {
            candidate = "\(name).\(suffix)"
            suffix += 1
        }
        graph.constants[candidate] = Constant(tensor)
        return .constant(candidate)
    }

    // MARK: Layout

    /// `value` in the NCHW order conv2d and pools expect.
    func channelsFirst(_ value: KerasValue, _ layer: KerasLayer) throws(LayerIssue) -> KerasValue {
        guard !value.channelsFirst else { return value }
        guard value.type.rank == 4 else { throw .unsupported("expects a 4-D NHWC input, got \(value.type)") }
        let moved = try permute(value, [0, 3, 1, 2], layer)
        return KerasValue(name: moved.name, type: moved.type, channelsFirst: true)
    }

    /// `value` in Keras' own order (NHWC for images).
    func kerasOrder(_ value: KerasValue, _ layer: KerasLayer) throws(LayerIssue) -> KerasValue {
        guard value.channelsFirst else { return value }
        let moved = try permute(value, [0, 2, 3, 1], layer)
        return KerasValue(name: moved.name, type: moved.type, channelsFirst: false)
    }

    /// A transpose, or a reshape when the permutation only moves size-1 axes
    /// (e.g. one channel), which keeps the element order.
    private func permute(_ value: KerasValue, _ perm: [Int], _ layer: KerasLayer) throws(LayerIssue) -> (name: String, type: TensorType) {
        let dims = value.type.dimensions
        let moving = perm.filter { dims[$0] != 1 }
        if moving == moving.sorted(), perm.dropFirst().allSatisfy({ dims[$0] != nil }) {
            let shape = perm.dropFirst().compactMap { dims[$0] }
            return try emit(.reshape, [.value(value.name)], attributes: ["shape": .ints(shape)], layer: layer)
        }
        return try emit(.transpose, [.value(value.name)], attributes: ["perm": .ints(perm)], layer: layer)
    }

    /// The physical axis of Keras axis `axis` (negative counts from the end).
    func physicalAxis(_ axis: Int, of value: KerasValue) -> Int? {
        let rank = value.type.rank
        let keras = axis < 0 ? axis + rank : axis
        guard (0..<rank).contains(keras) else { return nil }
        guard value.channelsFirst, rank == 4 else { return keras }
        return [0, 2, 3, 1][keras]
    }
}
