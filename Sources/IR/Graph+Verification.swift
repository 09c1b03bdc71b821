extension Graph {
    /// Checks the graph's invariants and throws the first violation.
    ///
    /// - every input, constant and operation result has a unique, non-empty name;
    /// - operands refer to values defined earlier (SSA order) or to constants,
    ///   with the operand kind the operation expects (weights are constants);
    /// - every result type equals the one ``ShapeInference`` computes;
    /// - constants' values match their declared type and are finite;
    /// - outputs name defined values and there is at least one.
    public func verify() throws(IRError) {
        func fail(_ subject: String, _ message: String) -> IRError {
            .verification(subject: subject, message: message)
        }
        for (name, constant) in constants {
            guard !name.isEmpty else { throw fail("@\"\"", "constant has an empty name") }
            guard let count = constant.type.elementCount else {
                throw fail("@\(Identifier.printable(name))", "constant type \(constant.type) must be static")
            }
            guard count > 0 else {
                throw fail("@\(Identifier.printable(name))", "constant type \(constant.type) has no elements")
            }
            if let value = constant.value {
                guard value.shape == constant.type.staticShape, value.count == count else {
                    throw fail("@\(Identifier.printable(name))", "holds shape \(value.shape) but is declared \(constant.type)")
                }
                if let bad = value.firstNonFinite {
                    throw fail("@\(Identifier.printable(name))", "value \(bad.value) at flat index \(bad.index) is not finite")
                }
            }
        }
        var types: [String: TensorType] = [:]
        for input in inputs {
            guard !input.name.isEmpty else { throw fail("%\"\"", "input has an empty name") }
            guard types[input.name] == nil else {
                throw fail("%\(Identifier.printable(input.name))", "input defined twice")
            }
            guard input.type.dimensions.allSatisfy({ ($0 ?? 1) > 0 }) else {
                throw fail("%\(Identifier.printable(input.name))", "input type \(input.type) has an empty dimension")
            }
            guard input.type.rank >= 1 else {
                throw fail("%\(Identifier.printable(input.name))", "input needs a leading batch dimension, got \(input.type)")
            }
            types[input.name] = input.type
        }
        for operation in operations {
            let subject = "%\(Identifier.printable(operation.result))"
            guard !operation.result.isEmpty else { throw fail(subject, "result has an empty name") }
            guard types[operation.result] == nil else { throw fail(subject, "value defined twice") }
            var operandTypes: [TensorType] = []
            for (position, operand) in operation.operands.enumerated() {
                switch operand {
                case .value(let name):
                    guard let type = types[name] else {
                        throw fail(subject, "operand \(operand) is not defined before use")
                    }
                    if Graph.requiresConstant(operation.kind, position: position) {
                        throw fail(subject, "operand \(position) of \(operation.kind.rawValue) must be a constant (@name), got \(operand)")
                    }
                    operandTypes.append(type)
                case .constant(let name):
                    guard let constant = constants[name] else {
                        throw fail(subject, "constant \(operand) does not exist")
                    }
                    if position == 0 {
                        throw fail(subject, "the first operand of \(operation.kind.rawValue) must be a value (%name), got \(operand)")
                    }
                    operandTypes.append(constant.type)
                }
            }
            let inferred: TensorType
            do {
                inferred = try ShapeInference.resultType(of: operation.kind, result: operation.result,
                                                         operands: operandTypes, attributes: operation.attributes)
            } catch let error as IRError {
                throw error
            } catch {
                throw fail(subject, "\(error)")
            }
            guard inferred == operation.type else {
                throw fail(subject, "declared type \(operation.type) but \(operation.kind.rawValue) produces \(inferred)")
            }
            // A 1 KB model can declare a tensor of billions of values (a
            // convolution padded by 3000): refused here, before any pass or
            // evaluation allocates it.
            let perItem = operation.type.elementsPerItem
            if operation.type.dimensions.dropFirst().allSatisfy({ $0 != nil }),
               perItem.map({ $0 > Graph.maximumElementsPerItem }) ?? true {
                throw fail(subject, "\(operation.type) holds \(perItem.map(String.init) ?? "more than Int.max") values per sample, "
                           + "above the limit of \(Graph.maximumElementsPerItem)")
            }
            types[operation.result] = operation.type
        }
        guard !outputs.isEmpty else { throw fail("graph", "has no outputs") }
        for output in outputs where types[output] == nil {
            throw fail("%\(Identifier.printable(output))", "returned but never defined")
        }
    }

    /// The most values one sample's tensor may hold (2^26: 512 MiB of
    /// doubles), far above any model hepexc runs (a 224×224×64 activation
    /// is 3.2 M).
    public static let maximumElementsPerItem = 1 << 26

    /// Whether operand `position` of `kind` must be a constant (weights and
    /// statistics are compiled into the plan; only activations are values).
    public static func requiresConstant(_ kind: OpKind, position: Int) -> Bool {
        switch kind {
        case .dense, .conv2d, .batchnorm: return position >= 1
        default: return false
        }
    }
}
