extension Graph {
    /// Removes operations whose results no output depends on, then constants
    /// no remaining operation reads.
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
        constants = constants.filter { used.contains($0.key) }
    }
}
