extension Graph {
    /// Removes operations whose results no output depends on, then constants
    /// no remaining operation reads (keeping the masks and trained copies
    /// that kept weights name in their `mask` and `trained` attributes; see
    /// docs/ir.md).
    public mutating func eliminateDeadCode() {
        var live = Set(outputs)
        var keep = Array(repeating: false, count: operations.count)
        for index in operations.indices.reversed() where live.contains(operations[index].result) {
            keep[index] = true
            live.formUnion(operations[index].valueOperands)
        }
        operations = operations.indices.filter { keep[$0] }.map { operations[$0] }
        var used = Set<String>()
        for operation in operations {
            for case .constant(let name) in operation.operands { used.insert(name) }
        }
        // A kept weight keeps the mask constant its `mask` attribute names
        // and the trained copy its `trained` attribute names (HE-PEx expand).
        for name in Array(used) {
            for key in ["mask", "trained"] {
                if let other = constants[name]?.attributes[key]?.stringValue { used.insert(other) }
            }
        }
        constants = constants.filter { used.contains($0.key) }
    }
}
