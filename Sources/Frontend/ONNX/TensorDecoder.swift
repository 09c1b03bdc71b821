internal import Foundation
internal import HepexcIR
internal import ONNXProto

/// Decodes ONNX `TensorProto`s (initializers, `Constant` values) into
/// ``FoldedTensor``s, checking every length against the declared shape.
///
/// Data may sit in `raw_data` (little-endian), in the typed repeated fields
/// (`float_data`, `double_data`, `int32_data`, `int64_data`, …) or in an
/// external file next to the model.
struct TensorDecoder {
    /// The folder external data locations are relative to; `nil` forbids them.
    var baseDirectory: URL?

    func decode(_ proto: Onnx_TensorProto, name: String) throws(FrontendError) -> FoldedTensor {
        var shape: [Int] = []
        var count = 1
        for dim in proto.dims {
            guard dim >= 0, let size = Int(exactly: dim) else {
                throw .invalidTensor(name: name, reason: "negative or huge dimension \(dim) in \(proto.dims)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= 1 << 34 else {
                throw .invalidTensor(name: name, reason: "shape \(proto.dims) is too large")
            }
            shape.append(size)
            count = product
        }
        guard let dataType = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)) else {
            throw .invalidTensor(name: name, reason: "unknown data type \(proto.dataType)")
        }
        let layout = try Self.layout(of: dataType, name: name)

        let values: [Double]
        if proto.dataLocation == .external {
            let bytes = try externalBytes(proto, name: name)
            values = try Self.decodeRaw(bytes, layout: layout, count: count, name: name, source: "external data")
        } else if proto.hasRawData {
            values = try Self.decodeRaw(proto.rawData, layout: layout, count: count, name: name, source: "raw_data")
        } else {
            values = try typedValues(proto, dataType: dataType, name: name)
        }
        guard values.count == count else {
            throw .invalidTensor(name: name, reason: "holds \(values.count) values but shape \(shape) needs \(count)")
        }
        if !layout.isInteger, let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteWeight(name: name, index: index, value: values[index])
        }
        return FoldedTensor(shape: shape, scalars: values.map { .number($0) },
                            isInteger: layout.isInteger, elementType: layout.elementType)
    }

    /// How one element of a data type is stored in `raw_data`.
    struct Layout {
        enum Kind { case float16, bfloat16, float32, float64, signed, unsigned, bool }
        var kind: Kind
        var size: Int
        var isInteger: Bool { kind == .signed || kind == .unsigned || kind == .bool }
        var elementType: ElementType {
            switch kind {
            case .float64: return .f64
            case .signed, .unsigned, .bool: return .i64
            default: return .f32
            }
        }
    }

    static func layout(of type: Onnx_TensorProto.DataType, name: String) throws(FrontendError) -> Layout {
        switch type {
        case .float: return Layout(kind: .float32, size: 4)
        case .double: return Layout(kind: .float64, size: 8)
        case .float16: return Layout(kind: .float16, size: 2)
        case .bfloat16: return Layout(kind: .bfloat16, size: 2)
        case .int8: return Layout(kind: .signed, size: 1)
        case .int16: return Layout(kind: .signed, size: 2)
        case .int32: return Layout(kind: .signed, size: 4)
        case .int64: return Layout(kind: .signed, size: 8)
        case .uint8: return Layout(kind: .unsigned, size: 1)
        case .uint16: return Layout(kind: .unsigned, size: 2)
        case .uint32: return Layout(kind: .unsigned, size: 4)
        case .uint64: return Layout(kind: .unsigned, size: 8)
        case .bool: return Layout(kind: .bool, size: 1)
        default:
            throw .invalidTensor(name: name, reason: "data type \(type) is not supported (numeric tensors only)")
        }
    }

    static func decodeRaw(_ bytes: Data, layout: Layout, count: Int, name: String,
                          source: String) throws(FrontendError) -> [Double] {
        let needed = count * layout.size
        guard bytes.count >= needed else {
            throw .invalidTensor(name: name, reason: "\(source) holds \(bytes.count) bytes but the shape needs \(needed)")
        }
        guard bytes.count == needed else {
            throw .invalidTensor(name: name, reason: "\(source) holds \(bytes.count) bytes but the shape needs exactly \(needed)")
        }
        return RawDecoding.decode(bytes, layout: layout, count: count)
    }

    func typedValues(_ proto: Onnx_TensorProto, dataType: Onnx_TensorProto.DataType,
                     name: String) throws(FrontendError) -> [Double] {
        switch dataType {
        case .float: return proto.floatData.map(Double.init)
        case .double: return proto.doubleData
        case .int64: return proto.int64Data.map(Double.init)
        case .uint32, .uint64: return proto.uint64Data.map(Double.init)
        case .int32, .int16, .int8, .uint16, .uint8, .bool:
            return proto.int32Data.map(Double.init)
        case .float16, .bfloat16:
            // Stored as raw 16-bit patterns in int32_data.
            return proto.int32Data.map { RawDecoding.halfToDouble(UInt16(truncatingIfNeeded: $0), bfloat: dataType == .bfloat16) }
        default:
            throw .invalidTensor(name: name, reason: "data type \(dataType) is not supported")
        }
    }

    func externalBytes(_ proto: Onnx_TensorProto, name: String) throws(FrontendError) -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        guard let location = entries["location"], !location.isEmpty else {
            throw .invalidTensor(name: name, reason: "external data without a location")
        }
        guard let baseDirectory else {
            throw .invalidTensor(name: name, reason: "external data '\(location)' needs the model's file path")
        }
        // A model must not make us read files outside its own folder.
        let components = location.split(separator: "/")
        guard !location.hasPrefix("/"), !components.contains("..") else {
            throw .invalidTensor(name: name, reason: "external data location '\(location)' leaves the model's folder")
        }
        // Symlinks are resolved before the check, and only regular files are
        // read: a link out of the folder, /dev/zero or a FIFO (which would
        // block forever) are refused before anything is opened.
        let root = baseDirectory.resolvingSymlinksInPath().standardizedFileURL.path
        let url = baseDirectory.appendingPathComponent(location).resolvingSymlinksInPath().standardizedFileURL
        guard url.path.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw .invalidTensor(name: name, reason: "external data location '\(location)' resolves outside the model's folder")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let fileSize = (attributes[.size] as? NSNumber)?.uint64Value else {
            throw .invalidTensor(name: name, reason: "external data '\(location)' is not a regular file in the model's folder")
        }
        let offset = UInt64(entries["offset"] ?? "0") ?? 0
        guard offset <= fileSize else {
            throw .invalidTensor(name: name, reason: "external data offset \(offset) is past the end of '\(location)' (\(fileSize) bytes)")
        }
        if let lengthText = entries["length"] {
            guard let length = UInt64(lengthText), length <= fileSize - offset else {
                throw .invalidTensor(name: name, reason: "external data length \(lengthText) does not fit '\(location)' (\(fileSize) bytes from offset \(offset))")
            }
        }
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw .invalidTensor(name: name, reason: "external data file '\(location)' cannot be opened")
        }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: offset)
            if let lengthText = entries["length"], let length = Int(lengthText) {
                let data = try handle.read(upToCount: length) ?? Data()
                guard data.count == length else {
                    throw FrontendError.invalidTensor(name: name, reason: "external data file '\(location)' ends after \(data.count) of \(length) bytes at offset \(offset)")
                }
                return data
            }
            return try handle.readToEnd() ?? Data()
        } catch let error as FrontendError {
            throw error
        } catch {
            throw .invalidTensor(name: name, reason: "reading external data '\(location)': \(error.localizedDescription)")
        }
    }
}
