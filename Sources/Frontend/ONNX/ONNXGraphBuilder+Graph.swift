internal import Foundation
internal import HepexcIR
internal import ONNXProto

extension ONNXGraphBuilder {
    /// Imports initializers, inputs and nodes, then settles the outputs.
    func importGraph(_ proto: Onnx_GraphProto, decoder: TensorDecoder) throws(FrontendError) {
        for initializer in proto.initializer {
            values[initializer.name] = .folded(try decoder.decode(initializer, name: initializer.name))
        }
        // Old exporters list initializers among the inputs too; those are weights.
        for input in proto.input where values[input.name] == nil {
            let type = try inputType(input)
            if graph.inputs.isEmpty, let first = type.declaredBatch { declaredBatch = first }
            graph.inputs.append(GraphInput(name: input.name, type: type.type))
            irValueTypes[input.name] = type.type
            values[input.name] = .value(input.name, type.type)
        }
        guard !graph.inputs.isEmpty else {
            throw .malformed(path: graph.name, reason: "the graph has no run-time input")
        }
        for (index, nodeProto) in proto.node.enumerated() {
            let node = ONNXNode(nodeProto, index: index)
            try importNode(node, decoder: decoder)
        }
        if !unsupported.isEmpty { throw .unsupportedOperators(unsupported) }
        graph.fuseGELUDecompositions()
        try settleOutputs(proto.output.map(\.name))
        if !notes.isEmpty { graph.metadata["notes"] = .string(notes.joined(separator: "; ")) }
    }

    /// The IR type of a graph input: float tensor, batch first, static otherwise.
    func inputType(_ info: Onnx_ValueInfoProto) throws(FrontendError) -> (type: TensorType, declaredBatch: Int?) {
        guard case .tensorType(let tensorType)? = info.type.value else {
            throw .unsupportedConfiguration(node: info.name, opType: "graph input", reason: "only tensor inputs are supported")
        }
        let element: ElementType
        switch Onnx_TensorProto.DataType(rawValue: Int(tensorType.elemType)) {
        case .float?, .float16?, .bfloat16?: element = .f32
        case .double?: element = .f64
        default:
            throw .unsupportedConfiguration(node: info.name, opType: "graph input",
                                            reason: "element type \(tensorType.elemType) is not a float type")
        }
        guard tensorType.hasShape, !tensorType.shape.dim.isEmpty else {
            throw .unsupportedConfiguration(node: info.name, opType: "graph input",
                                            reason: "the input needs a declared shape with a leading batch dimension")
        }
        var dims: [Int?] = []
        var declaredBatch: Int?
        for (axis, dim) in tensorType.shape.dim.enumerated() {
            if axis == 0 {
                if case .dimValue(let value)? = dim.value, value > 0 { declaredBatch = Int(exactly: value) }
                dims.append(nil)
                continue
            }
            guard case .dimValue(let value)? = dim.value, value > 0, let size = Int(exactly: value), size < 1 << 31 else {
                let label: String
                if case .dimParam(let parameter)? = dim.value { label = "symbolic dimension '\(parameter)'" } else { label = "an unknown dimension" }
                throw .unsupportedConfiguration(node: info.name, opType: "graph input",
                                                reason: "\(label) at axis \(axis); only the batch (axis 0) may be dynamic")
            }
            dims.append(size)
        }
        return (TensorType(dims, element), declaredBatch)
    }

    /// Resolves a node's inputs and lowers it, recording unsupported nodes.
    func importNode(_ node: ONNXNode, decoder: TensorDecoder) throws(FrontendError) {
        var inputs: [ImportedValue?] = []
        for name in node.inputs {
            if name.isEmpty { inputs.append(nil); continue }
            guard let value = values[name] else {
                throw .danglingReference(node: node.name, tensor: name)
            }
            inputs.append(value)
        }
        let domain = node.domain
        func record(_ reason: String?) {
            unsupported.append(UnsupportedOperator(node: node.name, opType: node.opType,
                                                   domain: domain, opset: domain == "" ? opset : 1, reason: reason))
            for output in node.outputs where !output.isEmpty { values[output] = .poisoned }
        }
        guard domain == "" || domain == "ai.onnx.ml" else {
            record("custom domain '\(domain)'")
            return
        }
        // Whatever reads a node we already reported is skipped, but reported
        // too if its own operator is unknown, so that one run lists them all.
        if inputs.contains(where: { if case .poisoned? = $0 { return true }; return false }) {
            if !Self.knownOperators.contains(node.opType) {
                record(Self.constantOnlyOperators.contains(node.opType) ? "supported only on constants (shape computations)" : nil)
            }
            for output in node.outputs where !output.isEmpty { values[output] = .poisoned }
            return
        }
        do {
            let results = try lower(node, inputs, decoder: decoder)
            for (index, output) in node.outputs.enumerated() where !output.isEmpty {
                values[output] = index < results.count ? results[index] : .unavailable(node: node.name, output: index)
            }
        } catch {
            switch error {
            case .unsupported(let reason): record(reason)
            case .fatal(let error): throw error
            }
        }
    }

    /// Maps graph outputs to IR values, drops stripped tails and names the
    /// output values after the ONNX outputs.
    func settleOutputs(_ names: [String]) throws(FrontendError) {
        var outputs: [String] = []
        for name in names {
            switch values[name] {
            case .value(let irName, _)?:
                outputs.append(irName)
            case .stripped(let node, let opType)?:
                notes.append("output '\(name)' dropped: post-processing \(opType) node '\(node)'")
            case .folded?:
                notes.append("output '\(name)' dropped: it is a constant")
            case .unavailable(let node, let index)?:
                throw .unsupportedConfiguration(node: node, opType: "output", reason: "output \(index) of node '\(node)' is a graph output but is not supported")
            case .poisoned?, nil:
                throw .danglingReference(node: "graph output", tensor: name)
            }
        }
        guard !outputs.isEmpty else {
            throw .unsupportedConfiguration(node: graph.name, opType: "graph", reason: "no numeric output is left after stripping post-processing")
        }
        // Name each output's defining operation after the ONNX output, when free.
        var renames: [String: String] = [:]
        let taken = Set(graph.inputs.map(\.name)).union(graph.operations.map(\.result))
        for (irName, onnxName) in zip(outputs, names.filter { if case .value? = values[$0] { return true }; return false })
        where Int(irName) != nil && !taken.contains(onnxName) && renames[irName] == nil && !renames.values.contains(onnxName) {
            renames[irName] = onnxName
        }
        graph.outputs = outputs.map { renames[$0] ?? $0 }
        renameValues(renames)
        compactNumbering()
    }

    /// Applies `renames` to results and operands.
    func renameValues(_ renames: [String: String]) {
        guard !renames.isEmpty else { return }
        for index in graph.operations.indices {
            if let new = renames[graph.operations[index].result] { graph.operations[index].result = new }
            graph.operations[index].operands = graph.operations[index].operands.map { operand in
                if case .value(let name) = operand, let new = renames[name] { return .value(new) }
                return operand
            }
        }
    }

    /// Drops operations no output depends on and renumbers the remaining
    /// anonymous values 0, 1, 2, … in order; drops unused constants.
    func compactNumbering() {
        graph.eliminateDeadCode()
        var renames: [String: String] = [:]
        var next = 0
        for operation in graph.operations where Int(operation.result) != nil {
            renames[operation.result] = String(next)
            next += 1
        }
        renameValues(renames)
        graph.outputs = graph.outputs.map { renames[$0] ?? $0 }
    }
}
