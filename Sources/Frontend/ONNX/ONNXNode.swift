internal import Foundation
internal import ONNXProto

/// A node of an ONNX graph with typed, checked attribute access.
struct ONNXNode {
    let proto: Onnx_NodeProto
    /// The node's name, or `OpType#index` when the exporter left it empty.
    let name: String
    let index: Int

    init(_ proto: Onnx_NodeProto, index: Int) {
        self.proto = proto
        self.index = index
        self.name = proto.name.isEmpty ? "\(proto.opType)#\(index)" : proto.name
    }

    var opType: String { proto.opType }
    /// The domain with the default spelled as the empty string.
    var domain: String { proto.domain == "ai.onnx" ? "" : proto.domain }
    var inputs: [String] { proto.input }
    var outputs: [String] { proto.output }

    private func attribute(_ key: String) -> Onnx_AttributeProto? {
        proto.attribute.first { $0.name == key }
    }

    func has(_ key: String) -> Bool { attribute(key) != nil }

    private func wrongType(_ key: String, _ expected: String) -> NodeIssue {
        .unsupported("attribute '\(key)' must be \(expected)")
    }

    func int(_ key: String) throws(NodeIssue) -> Int? {
        guard let attribute = attribute(key) else { return nil }
        guard attribute.type == .int || (attribute.type == .undefined && attribute.hasI),
              let value = Int(exactly: attribute.i) else { throw wrongType(key, "an integer") }
        return value
    }

    func int(_ key: String, default fallback: Int) throws(NodeIssue) -> Int {
        try int(key) ?? fallback
    }

    func float(_ key: String) throws(NodeIssue) -> Double? {
        guard let attribute = attribute(key) else { return nil }
        guard attribute.type == .float || (attribute.type == .undefined && attribute.hasF) else {
            throw wrongType(key, "a float")
        }
        return Self.decimal(attribute.f)
    }

    func float(_ key: String, default fallback: Double) throws(NodeIssue) -> Double {
        try float(key) ?? fallback
    }

    func ints(_ key: String) throws(NodeIssue) -> [Int]? {
        guard let attribute = attribute(key) else { return nil }
        guard attribute.type == .ints || attribute.type == .undefined else { throw wrongType(key, "a list of integers") }
        var values: [Int] = []
        for value in attribute.ints {
            guard let int = Int(exactly: value) else { throw wrongType(key, "a list of integers") }
            values.append(int)
        }
        return values
    }

    func floats(_ key: String) throws(NodeIssue) -> [Double]? {
        guard let attribute = attribute(key) else { return nil }
        guard attribute.type == .floats || attribute.type == .undefined else { throw wrongType(key, "a list of floats") }
        return attribute.floats.map(Self.decimal)
    }

    func string(_ key: String) throws(NodeIssue) -> String? {
        guard let attribute = attribute(key) else { return nil }
        guard attribute.type == .string || attribute.type == .undefined else { throw wrongType(key, "a string") }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    func tensor(_ key: String) throws(NodeIssue) -> Onnx_TensorProto? {
        guard let attribute = attribute(key) else { return nil }
        guard attribute.type == .tensor || (attribute.type == .undefined && attribute.hasT) else {
            throw wrongType(key, "a tensor")
        }
        return attribute.t
    }

    /// The `Double` whose shortest decimal form is the `Float`'s (an ONNX
    /// epsilon of 1e-5 stays 1e-05 rather than 9.999999747378752e-06).
    static func decimal(_ value: Float) -> Double {
        Double(value.description) ?? Double(value)
    }

    /// Names of attributes the node carries, for "unknown attribute" checks.
    var attributeNames: [String] { proto.attribute.map(\.name) }
}

/// Why a node could not be lowered. `unsupported` issues are collected and
/// reported together; `fatal` ones stop the import at once.
enum NodeIssue: Error {
    /// `nil`: the operator itself is unknown; otherwise why this use of it is not supported.
    case unsupported(String?)
    case fatal(FrontendError)
}
