internal import HepexcIR

/// The one segmenter: splits a graph's input → output chain into affine
/// segments (each becomes one dense plan layer) separated by polynomial
/// activations, and the client-side tail (softmax/argmax). Lowering measures
/// the segments it returns; pruning asks the same segments which plan form
/// each weight gets (``PlanCompiler/layerForms(of:firstForm:diagonal:tile:)``),
/// so the two can never cut a model differently.
struct AffineSegmenter {
    enum Item {
        /// Consecutive affine operations reading `input`.
        case segment([Operation], input: String)
        case poly(Operation)
    }

    /// The chain in order.
    var items: [Item] = []
    /// The client's post-processing, e.g. `softmax %probs`.
    var tail: [String] = []
    /// Every operation encrypted execution cannot run, with advice.
    var problems: [String] = []

    init(_ graph: Graph, from input: String) {
        var segment: [Operation] = []
        var segmentInput = input
        var current = input
        func closeSegment(_ items: inout [Item]) {
            guard !segment.isEmpty else { return }
            items.append(.segment(segment, input: segmentInput))
            segment = []
        }
        for operation in graph.operations {
            if !tail.isEmpty || operation.kind == .softmax || operation.kind == .argmax {
                // Post-processing of the client's decrypted outputs: the
                // softmax/argmax and reshapes of their result (skl2onnx's label).
                if operation.kind == .softmax || operation.kind == .argmax || operation.kind == .reshape {
                    tail.append("\(operation.kind.rawValue) %\(operation.result)")
                } else {
                    problems.append("%\(operation.result) (\(operation.kind.rawValue)) follows the client-side softmax/argmax")
                }
                continue
            }
            guard operation.valueOperands == [current] else {
                problems.append("%\(operation.result) (\(operation.kind.rawValue)) is not on a single input→output chain")
                continue
            }
            if PlanCompiler.isAffine(operation) {
                segment.append(operation)
            } else {
                // A polynomial ends a segment; so does anything else (which
                // is a problem for lowering, but still an activation boundary).
                closeSegment(&items)
                if operation.kind == .poly {
                    items.append(.poly(operation))
                } else {
                    let advice = operation.kind.heAdvice.map { ": \($0)" }
                        ?? ": not supported in encrypted execution (use only affine layers and polynomial activations)"
                    problems.append("%\(operation.result) (\(operation.kind.rawValue))\(advice)")
                }
                segmentInput = operation.result
            }
            current = operation.result
        }
        closeSegment(&items)
    }
}
