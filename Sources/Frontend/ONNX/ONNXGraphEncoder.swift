internal import Foundation
internal import HepexcIR
internal import ONNXProto

/// Encodes one IR graph as an ONNX `GraphProto`; see ``ONNXExporter``.
final class ONNXGraphEncoder {
    let graph: Graph
    var proto = Onnx_GraphProto()
    /// ONNX names already taken (values, initializers, helper tensors).
    private var taken: Set<String> = []
    /// IR constant name → ONNX initializer name.
    var constantNames: [String: String] = [:]
    /// IR value name → type.
    let valueTypes: [String: TensorType]

    init(_ graph: Graph) {
        self.graph = graph
        self.valueTypes = graph.valueTypes
        taken = Set(valueTypes.keys)
    }

    func encode() throws(FrontendError) -> Onnx_GraphProto {
        proto.name = graph.name
        for (name, constant) in graph.constants {
            guard let value = constant.value else { continue }
            let onnxName = unique(name)
            constantNames[name] = onnxName
            proto.initializer.append(Self.tensor(value, name: onnxName))
        }
        for input in graph.inputs {
            proto.input.append(Self.valueInfo(input.name, input.type))
        }
        for operation in graph.operations {
            try encode(operation)
        }
        var returned: Set<String> = []
        let inputNames = Set(graph.inputs.map(\.name))
        for output in graph.outputs {
            guard let type = valueTypes[output] else {
                throw .cannotExport(reason: "output %\(output) is undefined")
            }
            var name = output
            // ONNX wants each graph output produced by a node, once.
            if inputNames.contains(output) || returned.contains(output) {
                name = unique("\(output)_output")
                proto.node.append(node("Identity", [output], name))
            }
            returned.insert(name)
            proto.output.append(Self.valueInfo(name, type))
        }
        return proto
    }

    /// A fresh ONNX name based on `base`.
    func unique(_ base: String) -> String {
        var name = base
        var suffix = 1
        while taken.contains(name) {
            name = "\(base)_\(suffix)"
            suffix += 1
        }
        taken.insert(name)
        return name
    }

    /// An ONNX node.
    func node(_ opType: String, _ inputs: [String], _ output: String, _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.input = inputs
        node.output = [output]
        node.name = "\(opType)_\(proto.node.count)"
        node.attribute = attributes
        return node
    }

    /// Adds a helper initializer and returns its name.
    func addInitializer(_ tensor: Tensor, base: String) -> String {
        let name = unique(base)
        proto.initializer.append(Self.tensor(tensor, name: name))
        return name
    }

    // MARK: Protobuf values

    static func dataType(_ element: ElementType) -> Int32 {
        switch element {
        case .f32: return Int32(Onnx_TensorProto.DataType.float.rawValue)
        case .f64: return Int32(Onnx_TensorProto.DataType.double.rawValue)
        case .i64: return Int32(Onnx_TensorProto.DataType.int64.rawValue)
        }
    }

    /// An initializer with little-endian `raw_data`.
    static func tensor(_ tensor: Tensor, name: String) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = tensor.shape.map { Int64($0) }
        proto.dataType = dataType(tensor.elementType)
        var bytes = Data()
        switch tensor.elementType {
        case .f32:
            bytes.reserveCapacity(tensor.count * 4)
            for value in tensor.scalars { appendLittleEndian(UInt64(Float(value).bitPattern), 4, to: &bytes) }
        case .f64:
            bytes.reserveCapacity(tensor.count * 8)
            for value in tensor.scalars { appendLittleEndian(value.bitPattern, 8, to: &bytes) }
        case .i64:
            bytes.reserveCapacity(tensor.count * 8)
            for value in tensor.scalars {
                let integer = Int64(exactly: value.rounded(.towardZero)) ?? 0
                appendLittleEndian(UInt64(bitPattern: integer), 8, to: &bytes)
            }
        }
        proto.rawData = bytes
        return proto
    }

    private static func appendLittleEndian(_ bits: UInt64, _ width: Int, to bytes: inout Data) {
        for byte in 0..<width { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * byte))) }
    }

    /// A value info with the leading dimension as the symbolic `batch`.
    static func valueInfo(_ name: String, _ type: TensorType) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = dataType(type.elementType)
        var shape = Onnx_TensorShapeProto()
        for (axis, dimension) in type.dimensions.enumerated() {
            var dim = Onnx_TensorShapeProto.Dimension()
            if let dimension, axis > 0 { dim.dimValue = Int64(dimension) } else { dim.dimParam = axis == 0 ? "batch" : "d\(axis)" }
            shape.dim.append(dim)
        }
        tensorType.shape = shape
        info.type.tensorType = tensorType
        return info
    }

    static func attribute(_ name: String, ints: [Int]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = ints.map { Int64($0) }
        return attribute
    }

    static func attribute(_ name: String, int: Int) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(int)
        return attribute
    }

    static func attribute(_ name: String, float: Double) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = Float(float)
        return attribute
    }
}
