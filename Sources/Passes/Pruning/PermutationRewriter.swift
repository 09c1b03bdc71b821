import HepexcIR

/// Applies the permutations a ``PermutationSearch`` found to the graph:
/// weights (and their masks and trained copies), biases and per-neuron
/// constants move with their neurons (a convolution's filters with their
/// channels: rows of `[O, I·kh·kw]`, and column groups of kh·kw); the input and output permutations
/// become `permute` operations (composed with any already there).
struct PermutationRewriter {
    let chain: PermutationChain
    /// Per axis: new position → original index.
    let permutations: [[Int]]

    func apply(to graph: inout Graph) {
        let layers = chain.layers
        for (l, layer) in layers.enumerated() {
            let rows = permutations[l + 1]
            let columns = PermutationSearch.expand(permutations[l], group: chain.columnGroups[l])
            var names = [layer.weight]
            if let constant = graph.constants[layer.weight] {
                for key in ["mask", PruningMasks.trainedAttribute] {
                    if let name = constant.attributes[key]?.stringValue { names.append(name) }
                }
            }
            for name in names {
                guard var constant = graph.constants[name], var tensor = constant.value else { continue }
                var values = tensor.scalars
                if name != layer.weight, constant.attributes["granularity"]?.stringValue == "tile" {
                    // Tile masks are re-expressed per element before moving.
                    guard let expanded = PruningMasks.elementMask(of: layer.weight, in: graph) else { continue }
                    values = expanded
                    constant.attributes = ["granularity": .string("element")]
                    constant.type = graph.constants[layer.weight]?.type ?? constant.type
                }
                values = PermutationSearch.permuteRows(values, columns: layer.columns, order: rows)
                values = PermutationSearch.permuteColumns(values, columns: layer.columns, order: columns)
                tensor = Tensor(shape: constant.type.staticShape ?? tensor.shape, scalars: values, elementType: tensor.elementType)
                constant.value = tensor
                graph.constants[name] = constant
            }
            if let bias = layer.bias { permuteVector(bias, order: rows, in: &graph) }
            // Per-neuron (per-channel) constants between this layer and the next.
            for constant in chain.moved[l + 1] {
                permuteVector(constant.name, order: PermutationSearch.expand(rows, group: constant.group), in: &graph)
            }
        }
        insertOutputPermute(into: &graph)
        insertInputPermute(into: &graph)
    }

    private func permuteVector(_ name: String, order: [Int], in graph: inout Graph) {
        guard var constant = graph.constants[name], var tensor = constant.value, tensor.count == order.count else { return }
        tensor.scalars = order.map { tensor.scalars[$0] }
        constant.value = tensor
        graph.constants[name] = constant
    }

    private func freshValue(_ base: String, in graph: Graph) -> String {
        let types = graph.valueTypes
        var name = base
        while types[name] != nil { name += "_" }
        return name
    }

    /// out[o] = v[perm[o]], perm = inverse(rows of the last layer) ∘ existing,
    /// along axis 1 (channels of `[B, C, H, W]`, or flat features).
    private func insertOutputPermute(into graph: inout Graph) {
        let order = PermutationSearch.expand(permutations[permutations.count - 1], group: chain.outputGroup)
        guard order != Array(order.indices) else { return }
        var inverse = [Int](repeating: 0, count: order.count)
        for (position, original) in order.enumerated() { inverse[original] = position }
        if let existing = chain.trailingPermute, let old = graph.operations[existing].attributes["perm"]?.intsValue {
            graph.operations[existing].attributes["perm"] = .ints(old.map { inverse[$0] })
            return
        }
        // The last chain value before the tail keeps its name on the permute.
        let lastIndex = (chain.tailStart ?? graph.operations.count) - 1
        var last = graph.operations[lastIndex]
        let original = last.result
        let renamed = freshValue(original + ".permuted", in: graph)
        last.result = renamed
        graph.operations[lastIndex] = last
        let permute = Operation(result: original, kind: .permute, operands: [.value(renamed)],
                                attributes: ["axis": .int(1), "perm": .ints(inverse)], type: last.type)
        graph.operations.insert(permute, at: lastIndex + 1)
    }

    /// The first layer's columns (or input channels): x′[j] = x[perm[j]] over
    /// the flat features.
    private func insertInputPermute(into graph: inout Graph) {
        let order = PermutationSearch.expand(permutations[0], group: chain.inputGroup)
        guard order != Array(order.indices), let input = graph.inputs.first else { return }
        if let existing = chain.leadingPermute, let old = graph.operations[existing].attributes["perm"]?.intsValue {
            graph.operations[existing].attributes["perm"] = .ints(order.map { old[$0] })
            return
        }
        let dims = input.type.dimensions
        let flatType = TensorType([dims[0], order.count], input.type.elementType)
        var inserted: [Operation] = []
        var current = input.name
        if input.type.rank != 2 {
            let flat = freshValue(input.name + ".flat", in: graph)
            inserted.append(Operation(result: flat, kind: .reshape, operands: [.value(current)],
                                      attributes: ["shape": .ints([order.count])], type: flatType))
            current = flat
        }
        let permuted = freshValue(input.name + ".permuted", in: graph)
        inserted.append(Operation(result: permuted, kind: .permute, operands: [.value(current)],
                                  attributes: ["axis": .int(1), "perm": .ints(order)], type: flatType))
        current = permuted
        if input.type.rank != 2 {
            let back = freshValue(input.name + ".unflat", in: graph)
            inserted.append(Operation(result: back, kind: .reshape, operands: [.value(current)],
                                      attributes: ["shape": .ints(dims.dropFirst().map { $0 ?? 1 })], type: input.type))
            current = back
        }
        graph.rename(value: input.name, to: current)
        graph.operations.insert(contentsOf: inserted, at: 0)
    }
}
