internal import HepexcIR

extension KerasGraphBuilder {
    /// Merge layers: several inbound tensors (possibly the same one twice,
    /// as in `Multiply()([x, x])`), combined element-wise.
    static let mergeClasses: Set<String> = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"]

    /// Lowers a merge layer on `inputs` (in call order).
    func merge(_ layer: KerasLayer, _ inputs: [KerasValue]) throws(LayerIssue) -> KerasValue {
        switch layer.className {
        case "Add", "Multiply", "Average", "Subtract": break
        case "Concatenate":
            throw .unsupported("the IR has no concatenation (an encrypted value is one packed tensor); merge branches with Add or Multiply")
        case "Maximum", "Minimum":
            throw .unsupported("element-wise \(layer.className.lowercased()) of two tensors is not polynomial")
        default:
            throw .unsupported("\(layer.className) of tensors is not supported")
        }
        guard inputs.count >= 2 else { throw .unsupported("called on \(inputs.count) input (merge layers take at least two)") }
        if layer.className == "Subtract", inputs.count != 2 {
            throw .unsupported("Subtract takes exactly two inputs, got \(inputs.count)")
        }
        // One physical layout for all operands: NCHW when any of them is.
        let anyChannelsFirst = inputs.contains { $0.channelsFirst && $0.type.rank == 4 }
        var operands: [KerasValue] = []
        for input in inputs {
            operands.append(anyChannelsFirst && input.type.rank == 4 ? try channelsFirst(input, layer) : try kerasOrder(input, layer))
        }
        let kind: OpKind = layer.className == "Multiply" ? .mul : layer.className == "Subtract" ? .sub : .add
        var current = operands[0]
        for next in operands.dropFirst() {
            let result = try emit(kind, [.value(current.name), .value(next.name)], layer: layer)
            current = KerasValue(name: result.name, type: result.type, channelsFirst: current.channelsFirst || next.channelsFirst)
        }
        if layer.className == "Average" {
            let scale = constant(Tensor(shape: [], scalars: [1 / Double(operands.count)]), name: "\(layer.name).scale")
            let result = try emit(.mul, [.value(current.name), scale], layer: layer)
            current = KerasValue(name: result.name, type: result.type, channelsFirst: current.channelsFirst)
        }
        return current
    }
}
