internal import HepexcIR

/// Mechanics shared by the passes that fold an operation (a constant add, a
/// batch norm) into the `dense`/`conv2d` producing its input.
extension Graph {
    /// For each value defined by an operation, that operation's index.
    var producerIndices: [String: Int] {
        var producers: [String: Int] = [:]
        for (index, operation) in operations.enumerated() { producers[operation.result] = index }
        return producers
    }

    /// The index of the `dense`/`conv2d` defining `value`, if the operation
    /// reading it is its only reader and `value` is not a graph output.
    func soleLinearProducer(of value: String, producers: [String: Int], users: [String: [Int]]) -> Int? {
        guard let index = producers[value], users[value]?.count == 1, !outputs.contains(value),
              operations[index].kind == .dense || operations[index].kind == .conv2d else { return nil }
        return index
    }

    /// `base` itself when at most one operation reads it (the fused constant
    /// replaces it in place), otherwise `base.suffix`, made unique.
    func constantName(reusing base: String, suffix: String) -> String {
        let readers = operations.filter { $0.operands.contains(.constant(base)) }.count
        if readers <= 1 { return base }
        var candidate = "\(base).\(suffix)"
        var counter = 1
        while constants[candidate] != nil {
            candidate = "\(base).\(suffix)\(counter)"
            counter += 1
        }
        return candidate
    }

    /// Removes the producers that were fused into their consumers (each
    /// consumer slot already holds the rewritten producer under the
    /// consumer's result name) and anything left unused.
    mutating func finishFusion(removing fused: Set<Int>) {
        operations = operations.indices.filter { !fused.contains($0) }.map { operations[$0] }
        eliminateDeadCode()
    }
}

extension Operation {
    /// Sets (or adds) the bias operand of a `dense`/`conv2d`.
    mutating func setBias(_ constant: String) {
        if operands.count == 3 { operands[2] = .constant(constant) } else { operands.append(.constant(constant)) }
    }

    /// The bias constant's name, if the operation has one.
    var biasName: String? {
        guard operands.count == 3, case .constant(let name) = operands[2] else { return nil }
        return name
    }
}
