public import HepexcIR

/// What `hepexc inspect` reports about a model besides its IR.
public struct ModelSummary: Sendable, Codable, Equatable {
    public struct Tensor: Sendable, Codable, Equatable {
        public var name: String
        /// Dimensions; `null` (JSON) for the batch.
        public var shape: [Int?]
        public var dtype: String
    }

    public struct Layer: Sendable, Codable, Equatable {
        public var name: String
        public var op: String
        /// The result's shape, batch first (`null`).
        public var shape: [Int?]
        public var parameters: Int
        public var heFriendly: Bool

        enum CodingKeys: String, CodingKey {
            case name, op, shape, parameters
            case heFriendly = "he_friendly"
        }
    }

    public struct Advice: Sendable, Codable, Equatable {
        public var layer: String
        public var op: String
        public var advice: String
    }

    public var model: String
    public var inputs: [Tensor]
    public var outputs: [Tensor]
    /// Operation counts by kind.
    public var ops: [String: Int]
    public var opCount: Int
    public var parameters: Int
    public var layers: [Layer]
    /// Operations encrypted execution cannot run, with what to do about them.
    public var notHEFriendly: [Advice]
    public var metadata: [String: String]

    enum CodingKeys: String, CodingKey {
        case model, inputs, outputs, ops, parameters, layers, metadata
        case opCount = "op_count"
        case notHEFriendly = "not_he_friendly"
    }

    public init(_ graph: Graph) {
        let types = graph.valueTypes
        model = graph.name
        inputs = graph.inputs.map { Tensor(name: $0.name, shape: $0.type.dimensions, dtype: $0.type.elementType.rawValue) }
        outputs = graph.outputs.map { name in
            let type = types[name] ?? TensorType([], .f32)
            return Tensor(name: name, shape: type.dimensions, dtype: type.elementType.rawValue)
        }
        ops = graph.operationCounts.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
        opCount = graph.operations.count
        parameters = graph.parameterCount
        layers = graph.operations.map { operation in
            let parameters = operation.operands.reduce(0) { total, operand in
                if case .constant(let name) = operand { return total + (graph.constants[name]?.elementCount ?? 0) }
                return total
            }
            return Layer(name: operation.result, op: operation.kind.rawValue, shape: operation.type.dimensions,
                         parameters: parameters, heFriendly: operation.kind.isHEFriendly)
        }
        notHEFriendly = graph.operations.compactMap { operation in
            guard let advice = operation.kind.heAdvice else { return nil }
            return Advice(layer: operation.result, op: operation.kind.rawValue, advice: advice)
        }
        metadata = graph.metadata.reduce(into: [:]) { result, entry in
            result[entry.key] = entry.value.stringValue ?? entry.value.description
        }
    }

    /// A human-readable table.
    public var text: String {
        func shape(_ dims: [Int?]) -> String { "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]" }
        var lines: [String] = []
        lines.append("model \(model): \(opCount) ops, \(parameters) parameters")
        lines.append("inputs:  " + inputs.map { "\($0.name) \(shape($0.shape)) \($0.dtype)" }.joined(separator: ", "))
        lines.append("outputs: " + outputs.map { "\($0.name) \(shape($0.shape)) \($0.dtype)" }.joined(separator: ", "))
        lines.append("ops:     " + ops.keys.sorted().map { "\($0) × \(ops[$0] ?? 0)" }.joined(separator: ", "))
        let nameWidth = max(5, (layers.map(\.name.count).max() ?? 0) + 1)
        let opWidth = max(2, layers.map(\.op.count).max() ?? 0)
        lines.append("")
        lines.append("value".padded(nameWidth) + "  " + "op".padded(opWidth) + "  " + "shape".padded(22) + "  params  HE")
        for layer in layers {
            lines.append("%" + layer.name.padded(nameWidth - 1) + "  " + layer.op.padded(opWidth) + "  "
                         + shape(layer.shape).padded(22) + "  " + String(layer.parameters).leftPadded(6) + "  "
                         + (layer.heFriendly ? "yes" : "no"))
        }
        if !notHEFriendly.isEmpty {
            lines.append("")
            lines.append("not HE-friendly (\(notHEFriendly.count)):")
            for item in notHEFriendly { lines.append("  %\(item.layer) \(item.op): \(item.advice)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
