internal import Foundation
internal import HepexcIR
internal import OrderedCollections

/// Builds an IR ``Graph`` node by node from an ONNX graph. One builder per
/// import; see ``ONNXImporter`` for the entry point.
final class ONNXGraphBuilder {
    var graph: Graph
    var values: [String: ImportedValue] = [:]
    /// The default-domain opset the model was exported with.
    let opset: Int
    /// The batch size the model's first input declared (e.g. 1 for a model
    /// exported without dynamic axes); Reshape targets that spell it out are
    /// read as "the batch".
    var declaredBatch: Int?
    var unsupported: [UnsupportedOperator] = []
    /// Notes recorded in the graph metadata (stripped tails and the like).
    var notes: [String] = []
    private var counter = 0

    init(name: String, opset: Int) {
        self.graph = Graph(name: name)
        self.opset = opset
    }

    /// A fresh SSA name (`%0`, `%1`, …).
    func freshName() -> String {
        defer { counter += 1 }
        return String(counter)
    }

    /// Adds an operation, typing it by shape inference.
    func emit(_ kind: OpKind, _ operands: [Operand], attributes: Attributes = [:],
              node: ONNXNode) throws(NodeIssue) -> ImportedValue {
        let result = freshName()
        do {
            let type = try graph.appendTyped(kind, operands, attributes: attributes, result: result,
                                             valueTypes: irValueTypes, owner: node.name)
            irValueTypes[result] = type
            return .value(result, type)
        } catch {
            throw .fatal(error)
        }
    }

    /// Types of IR values by IR name (inputs and results).
    var irValueTypes: [String: TensorType] = [:]

    /// Registers a constant under `preferredName` (or a suffixed variant if
    /// that name already holds a different tensor) and returns its operand.
    func constant(_ tensor: Tensor, preferredName: String) -> Operand {
        let base = preferredName.isEmpty ? "const" : preferredName
        var name = base
        var suffix = 1
        while let existing = graph.constants[name] {
            if existing.value == tensor { return .constant(name) }
            name = "\(base).\(suffix)"
            suffix += 1
        }
        graph.constants[name] = Constant(tensor)
        return .constant(name)
    }

    /// A float constant operand from a folded tensor (integers become f32).
    func constantOperand(_ folded: FoldedTensor, preferredName: String, node: ONNXNode) throws(NodeIssue) -> Operand {
        guard var tensor = folded.tensor else {
            throw .unsupported("uses the run-time batch size as a value")
        }
        if tensor.elementType == .i64 { tensor.elementType = .f32 }
        return constant(tensor, preferredName: preferredName)
    }
}
