internal import HepexcIR

extension Graph {
    /// Recognises PyTorch's GELU decomposition
    /// `mul(mul(%x, add(erf(mul(%x, 1/√2)), 1)), 0.5)` (the TorchScript
    /// exporter's `Div → Erf → Add → Mul → Mul`) and replaces its last
    /// operation by `activation(%x) {fn = "gelu"}`; the rest becomes dead
    /// code. Exact: both compute x·(1 + erf(x/√2))/2.
    /// - Returns: how many were fused.
    @discardableResult
    mutating func fuseGELUDecompositions() -> Int {
        var producer: [String: Int] = [:]
        for (index, operation) in operations.enumerated() { producer[operation.result] = index }
        func scalar(_ operand: Operand) -> Double? {
            guard case .constant(let name) = operand, let tensor = constants[name]?.value, tensor.count == 1 else { return nil }
            return tensor.scalars[0]
        }
        func close(_ value: Double?, _ target: Double) -> Bool { value.map { abs($0 - target) < 1e-5 * max(1, abs(target)) } ?? false }
        func defining(_ operand: Operand, _ kind: OpKind) -> Operation? {
            guard case .value(let name) = operand, let index = producer[name], operations[index].kind == kind else { return nil }
            return operations[index]
        }
        var fused = 0
        for index in operations.indices {
            let last = operations[index]
            // %e = mul(%d, 0.5)
            guard last.kind == .mul, close(scalar(last.operands[1]), 0.5), let product = defining(last.operands[0], .mul) else { continue }
            // %d = mul(%x, %c) in either order, %c = add(%b, 1), %b = erf(%a), %a = mul(%x, 1/√2)
            for (xOperand, addOperand) in [(product.operands[0], product.operands[1]), (product.operands[1], product.operands[0])] {
                guard case .value(let x) = xOperand, let shifted = defining(addOperand, .add), close(scalar(shifted.operands[1]), 1),
                      let erf = defining(shifted.operands[0], .activation), erf.attributes["fn"] == .string(ActivationFunction.erf.rawValue),
                      let scaled = defining(erf.operands[0], .mul), scaled.operands[0] == .value(x),
                      close(scalar(scaled.operands[1]), 1 / 2.0.squareRoot()) else { continue }
                operations[index] = Operation(result: last.result, kind: .activation, operands: [.value(x)],
                                              attributes: ["fn": .string(ActivationFunction.gelu.rawValue)], type: last.type)
                fused += 1
                break
            }
        }
        return fused
    }
}
