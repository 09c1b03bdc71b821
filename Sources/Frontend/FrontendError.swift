public import HepexcIR

/// An operator the importer cannot map onto the IR.
public struct UnsupportedOperator: Sendable, Equatable, CustomStringConvertible {
    public var node: String
    public var opType: String
    public var domain: String
    public var opset: Int
    public var reason: String?

    public init(node: String, opType: String, domain: String, opset: Int, reason: String? = nil) {
        self.node = node
        self.opType = opType
        self.domain = domain
        self.opset = opset
        self.reason = reason
    }

    public var description: String {
        let where_ = domain.isEmpty ? "ai.onnx" : domain
        return "\(opType) (node '\(node)', domain \(where_), opset \(opset))" + (reason.map { ": \($0)" } ?? "")
    }
}

/// Every error a frontend reports. Each prints as one line naming the file,
/// node or tensor at fault.
public enum FrontendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read at all.
    case unreadable(path: String, reason: String)
    /// The bytes are not a model of the expected format.
    case malformed(path: String, reason: String)
    /// The model uses operators we cannot import; all of them, at once.
    case unsupportedOperators([UnsupportedOperator])
    /// The model declares an opset newer than we support.
    case unsupportedOpset(domain: String, version: Int, supported: ClosedRange<Int>)
    /// A node reads a tensor nothing defines.
    case danglingReference(node: String, tensor: String)
    /// A weight tensor is inconsistent with its declared shape or type.
    case invalidTensor(name: String, reason: String)
    /// A weight holds NaN or ±Inf.
    case nonFiniteWeight(name: String, index: Int, value: Double)
    /// A node's inputs have shapes it cannot take.
    case shapeMismatch(node: String, reason: String)
    /// A node's attributes or inputs are outside what the IR supports.
    case unsupportedConfiguration(node: String, opType: String, reason: String)
    /// The imported graph failed IR verification (a frontend bug or an
    /// inconsistent model).
    case invalidGraph(IRError)
    /// A Keras weights file came without the model's architecture (a
    /// `save_weights` file, or a legacy `.h5` without `model_config`).
    case missingKerasConfig(path: String)
    /// The model uses Keras layers (or layer settings) we cannot import; all
    /// of them, at once.
    case unsupportedLayers([UnsupportedLayer])
    /// A layer's weight is not in the weights file.
    case missingWeight(layer: String, weight: String, path: String)
    /// A stored weight's shape disagrees with the layer's configuration.
    case weightShapeMismatch(layer: String, weight: String, expected: [Int], found: [Int])
    /// A graph cannot be written as ONNX (elided weights, write failure).
    case cannotExport(reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        case let .malformed(path, reason): return "\(path) is not a valid model: \(reason)"
        case let .unsupportedOperators(list):
            let plural = list.count == 1 ? "operator" : "operators"
            return "unsupported \(plural) (\(list.count)): " + list.map(\.description).joined(separator: "; ")
        case let .unsupportedOpset(domain, version, supported):
            return "opset \(version) of domain \(domain.isEmpty ? "ai.onnx" : domain) is not supported (supported: \(supported.lowerBound)–\(supported.upperBound))"
        case let .danglingReference(node, tensor):
            return "node '\(node)' reads tensor '\(tensor)', which no initializer, input or node defines"
        case let .invalidTensor(name, reason): return "tensor '\(name)': \(reason)"
        case let .nonFiniteWeight(name, index, value):
            return "tensor '\(name)' holds \(value) at flat index \(index); weights must be finite"
        case let .shapeMismatch(node, reason): return "node '\(node)': shape mismatch: \(reason)"
        case let .unsupportedConfiguration(node, opType, reason): return "\(opType) node '\(node)': \(reason)"
        case let .invalidGraph(error): return "imported graph is invalid: \(error)"
        case let .missingKerasConfig(path):
            return "\(path) holds Keras weights but no model architecture (no model_config); pass the model's JSON config (model.to_json()) with --config"
        case let .unsupportedLayers(list):
            let plural = list.count == 1 ? "layer" : "layers"
            return "unsupported Keras \(plural) (\(list.count)): " + list.map(\.description).joined(separator: "; ")
        case let .missingWeight(layer, weight, path):
            return "layer '\(layer)': weight '\(weight)' is missing from \(path)"
        case let .weightShapeMismatch(layer, weight, expected, found):
            return "layer '\(layer)': weight '\(weight)' has shape \(found) but the layer's config implies \(expected)"
        case let .cannotExport(reason): return "cannot export to ONNX: \(reason)"
        }
    }
}
