internal import HepexcIR

extension Graph {
    /// Appends `result = kind(operands) {attributes}`, typed by shape
    /// inference: the step both importers (ONNX, Keras) take for every
    /// operation they build.
    /// - Parameters:
    ///   - valueTypes: the types of the values defined so far.
    ///   - owner: the ONNX node or Keras layer, named in errors.
    /// - Returns: the result's type.
    /// - Throws: `danglingReference` for an unknown operand, `shapeMismatch`
    ///   when shape inference rejects the operands or attributes.
    mutating func appendTyped(_ kind: OpKind, _ operands: [Operand], attributes: Attributes, result: String,
                              valueTypes: [String: TensorType], owner: String) throws(FrontendError) -> TensorType {
        var operandTypes: [TensorType] = []
        for operand in operands {
            switch operand {
            case .value(let name):
                guard let type = valueTypes[name] else { throw .danglingReference(node: owner, tensor: name) }
                operandTypes.append(type)
            case .constant(let name):
                guard let constant = constants[name] else { throw .danglingReference(node: owner, tensor: name) }
                operandTypes.append(constant.type)
            }
        }
        let type: TensorType
        do {
            type = try ShapeInference.resultType(of: kind, result: result, operands: operandTypes, attributes: attributes)
        } catch let error as IRError {
            if case .shape(_, _, let message) = error { throw .shapeMismatch(node: owner, reason: message) }
            throw .shapeMismatch(node: owner, reason: error.description)
        } catch {
            throw .shapeMismatch(node: owner, reason: "\(error)")
        }
        operations.append(Operation(result: result, kind: kind, operands: operands, attributes: attributes, type: type))
        return type
    }
}
