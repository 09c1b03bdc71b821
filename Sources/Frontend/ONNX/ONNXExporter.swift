public import Foundation
public import HepexcIR
internal import ONNXProto
internal import SwiftProtobuf

/// Writes an IR ``Graph`` as an ONNX model that onnxruntime loads and that
/// computes the same function.
///
/// The model uses the default domain at opset 17, weights as `raw_data`
/// initializers (little-endian), and a dynamic leading dimension `batch` on
/// every input and output. Operations map as documented in
/// `docs/keras.md#onnx-export`: `dense` → Gemm (`transB = 1`), `conv2d` →
/// Conv, `poly` → a Horner chain of Mul/Add, `reshape` → Reshape with a
/// leading `0` (keep the batch), and so on.
public enum ONNXExporter {
    /// The default-domain opset written.
    public static let opset = 17
    /// The ONNX IR version matching ``opset``.
    public static let irVersion: Int64 = 8

    /// The serialized `ModelProto` for `graph`.
    /// - Throws: ``FrontendError/cannotExport(reason:)`` when a constant was
    ///   elided or the graph does not verify.
    public static func export(_ graph: Graph) throws(FrontendError) -> Data {
        do {
            try graph.verify()
        } catch {
            throw .cannotExport(reason: "the graph is invalid: \(error)")
        }
        if let elided = graph.constants.first(where: { $0.value.value == nil }) {
            throw .cannotExport(reason: "constant @\(Identifier.printable(elided.key)) was elided; load the model with its weights")
        }
        let encoder = ONNXGraphEncoder(graph)
        let proto = try encoder.encode()
        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        var opsetEntry = Onnx_OperatorSetIdProto()
        opsetEntry.domain = ""
        opsetEntry.version = Int64(opset)
        model.opsetImport = [opsetEntry]
        model.producerName = "hepexc"
        model.producerVersion = "0.1.0"
        model.graph = proto
        if let producer = graph.metadata["producer"]?.stringValue {
            model.docString = "converted by hepexc from a model produced by \(producer)"
        }
        do {
            return try model.serializedBytes()
        } catch {
            throw .cannotExport(reason: "protobuf encoding failed: \(error)")
        }
    }

    /// Exports `graph` to `path`, atomically (nothing half-written on failure).
    /// - Throws: ``FrontendError/cannotExport(reason:)``.
    public static func write(_ graph: Graph, to path: String) throws(FrontendError) {
        let data = try export(graph)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotExport(reason: "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
