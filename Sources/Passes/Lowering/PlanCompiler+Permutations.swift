public import HepexcIR
public import HepexcPlan

/// Client-side permutations and each layer's tile orientation.
///
/// The `permute` pass leaves one `permute` right after the graph input and one
/// right before the output (or before a client-side softmax/argmax tail).
/// The compiler removes both and records them as `Plan.inputPermutation` and
/// `Plan.outputPermutation`, which the client applies in plaintext; both are
/// flat gather indices over the per-sample feature vector (encoded feature f
/// = original feature `inputPermutation[f]`; decoded output o = plan output
/// `outputPermutation[o]`).
extension PlanCompiler {
    /// Removes a leading and a trailing `permute` from `graph` and returns
    /// their flat gather indices (`nil` when absent).
    public static func extractClientPermutations(_ graph: inout Graph) -> (input: [Int]?, output: [Int]?) {
        guard graph.inputs.count == 1, let input = graph.inputs.first else { return (nil, nil) }
        var inputPermutation: [Int]?
        var outputPermutation: [Int]?
        // Reshapes do not move values in the flat per-sample vector, so a
        // permute after leading reshapes is still a gather over the input.
        var current = input.name
        var index = 0
        while index < graph.operations.count {
            let operation = graph.operations[index]
            guard operation.valueOperands.contains(current) else { index += 1; continue }
            guard graph.users[current]?.count == 1, !graph.outputs.contains(current) else { break }
            if operation.kind == .reshape {
                current = operation.result
                index += 1
                continue
            }
            if operation.kind == .permute, let type = graph.valueTypes[current],
               let flat = flatGather(operation, type: type) {
                graph.operations.remove(at: index)
                graph.rename(value: operation.result, to: current)
                inputPermutation = flat
            }
            break
        }
        // The last operation before the client tail (softmax/argmax).
        index = graph.operations.count - 1
        while index >= 0, [.softmax, .argmax].contains(graph.operations[index].kind) { index -= 1 }
        if index >= 0, graph.operations[index].kind == .permute,
           case .value(let source) = graph.operations[index].operands[0], source != input.name,
           graph.users[source]?.count == 1, !graph.outputs.contains(source),
           let type = graph.valueTypes[source], let flat = flatGather(graph.operations[index], type: type) {
            let removed = graph.operations.remove(at: index)
            graph.rename(value: removed.result, to: source)
            outputPermutation = flat
        }
        return (inputPermutation, outputPermutation)
    }

    /// The permutation of a `permute` as gather indices over the flattened
    /// per-sample vector of a value of `type`.
    static func flatGather(_ operation: Operation, type: TensorType) -> [Int]? {
        let dims = type.dimensions.dropFirst().map { $0 ?? 0 }
        guard dims.allSatisfy({ $0 > 0 }), let perm = operation.attributes["perm"]?.intsValue else { return nil }
        let axis = (operation.attributes["axis"]?.intValue ?? type.rank - 1) - 1
        guard axis >= 0, axis < dims.count, perm.count == dims[axis] else { return nil }
        let outer = dims[..<axis].reduce(1, *), extent = dims[axis], inner = dims[(axis + 1)...].reduce(1, *)
        var flat: [Int] = []
        flat.reserveCapacity(outer * extent * inner)
        for o in 0..<outer {
            for i in 0..<extent {
                for k in 0..<inner { flat.append((o * extent + perm[i]) * inner + k) }
            }
        }
        return flat
    }

    /// The form each `dense`/`conv2d` operation's segment gets for a graph
    /// by the compiler's own rule (``chooseForms``): pruning and permutation
    /// use it to cut each weight into tiles of the plan's orientation — t1×t2
    /// blocks of W for Type A, t2×t1 blocks of W (t1×t2 of Wᵀ) for Type B.
    /// A segment the plan runs in the diagonal form (only with `tile`) is
    /// reported as Type A: at most t2×t2, its tiles are cut as A's.
    public static func layerForms(of graph: Graph, firstForm: FCForm? = nil, diagonal: Bool = true,
                                  tile: (t1: Int, t2: Int)? = nil) -> [String: FCForm] {
        var graph = graph
        _ = extractClientPermutations(&graph)
        guard let input = graph.inputs.first else { return [:] }
        let types = graph.valueTypes
        var segments: [(names: [String], inFeatures: Int, outFeatures: Int)] = []
        for case let .segment(operations, segmentInput) in AffineSegmenter(graph, from: input.name).items {
            guard let last = operations.last else { continue }
            segments.append((operations.filter { $0.kind == .dense || $0.kind == .conv2d }.map(\.result),
                             types[segmentInput]?.elementsPerItem ?? 0, types[last.result]?.elementsPerItem ?? 0))
        }
        let forms = chooseForms(segments.map { ($0.inFeatures, $0.outFeatures) }, t1: tile?.t1 ?? 1, t2: tile?.t2,
                                firstForm: firstForm, diagonal: diagonal)
        var result: [String: FCForm] = [:]
        for (segment, form) in zip(segments, forms) {
            for name in segment.names { result[name] = form == .diagonal || form == .rowDiagonal ? .typeA : form }
        }
        return result
    }
}

extension Graph {
    /// Replaces every read of value `old` (operands and outputs) by `new`.
    mutating func rename(value old: String, to new: String) {
        for index in operations.indices {
            operations[index].operands = operations[index].operands.map { $0 == .value(old) ? .value(new) : $0 }
        }
        outputs = outputs.map { $0 == old ? new : $0 }
    }
}
