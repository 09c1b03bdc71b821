internal import HepexcIR

/// scikit-learn's `ai.onnx.ml` linear models, as skl2onnx exports them.
extension ONNXGraphBuilder {
    /// `LinearClassifier` → `dense` (+ `softmax`/`sigmoid` post-transform).
    /// Outputs: the label (the arg-max, when the class labels are 0…k−1;
    /// stripped otherwise) and the scores.
    func linearClassifier(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> [ImportedValue] {
        let (x, type) = try runtimeInput(inputs, 0, node)
        guard type.rank == 2, let features = type.dimensions[1] else { throw .unsupported("input must be [batch, features]") }
        guard let coefficients = try node.floats("coefficients") else { throw .unsupported("no coefficients") }
        let labels = try node.ints("classlabels_ints")
        let classes = coefficients.count / max(features, 1)
        guard classes >= 2, classes * features == coefficients.count else {
            throw .unsupported("\(coefficients.count) coefficients for \(features) features (binary classifiers with one coefficient row are not supported)")
        }
        let intercepts = try node.floats("intercepts") ?? Array(repeating: 0, count: classes)
        guard intercepts.count == classes else {
            throw .fatal(.shapeMismatch(node: node.name, reason: "\(intercepts.count) intercepts for \(classes) classes"))
        }
        let weight = constant(Tensor(shape: [classes, features], scalars: coefficients), preferredName: "\(node.name).coefficients")
        let bias = constant(Tensor(shape: [classes], scalars: intercepts), preferredName: "\(node.name).intercepts")
        let scores = try emit(.dense, [.value(x), weight, bias], node: node)
        guard case .value(let raw, _) = scores else { throw .unsupported("internal: dense lowering failed") }
        let transformed: ImportedValue
        switch try node.string("post_transform") ?? "NONE" {
        case "NONE": transformed = scores
        case "SOFTMAX": transformed = try emit(.softmax, [.value(raw)], attributes: ["axis": .int(1)], node: node)
        case "LOGISTIC": transformed = try emit(.sigmoid, [.value(raw)], node: node)
        case let other: throw .unsupported("post_transform \(other)")
        }
        let label: ImportedValue
        if let labels, labels == Array(0..<classes) {
            label = try emit(.argmax, [.value(raw)], attributes: ["axis": .int(1), "keepdims": .bool(false)], node: node)
        } else {
            label = .stripped(node: node.name, opType: node.opType)
        }
        return [label, transformed]
    }

    /// `Normalizer` with the L1 norm after a softmax is the identity; other
    /// uses are not supported.
    func normalizer(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        let norm = try node.string("norm") ?? "MAX"
        if norm == "L1", graph.operations.last(where: { $0.result == x })?.kind == .softmax {
            return .value(x, type)
        }
        throw .unsupported("norm \(norm) (only L1 after a softmax, which changes nothing)")
    }
}
