internal import HepexcIR

extension ONNXGraphBuilder {
    /// `Gather` of run-time data with a constant 1-D index vector that is a
    /// permutation of a non-batch axis → `permute` (how the exporter writes
    /// HE-PEx's client-side permutations).
    func gather(_ node: ONNXNode, _ inputs: [ImportedValue?]) throws(NodeIssue) -> ImportedValue {
        let (x, type) = try runtimeInput(inputs, 0, node)
        let indices = try numericTensor(try foldedInput(inputs, 1, node, "indices"), "indices")
        var axis = try node.int("axis", default: 0)
        if axis < 0 { axis += type.rank }
        guard axis > 0, axis < type.rank, let extent = type.dimensions[axis] else {
            throw .unsupported("Gather on run-time data only along a static non-batch axis")
        }
        let perm = indices.scalars.compactMap { Int(exactly: $0) }
        guard indices.rank == 1, perm.count == indices.scalars.count, perm.sorted() == Array(0..<extent) else {
            throw .unsupported("Gather on run-time data only with a permutation of the axis as indices")
        }
        return try emit(.permute, [.value(x)], attributes: ["axis": .int(axis), "perm": .ints(perm)], node: node)
    }
}
