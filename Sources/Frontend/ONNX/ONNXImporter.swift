public import Foundation
public import HepexcIR
internal import ONNXProto
internal import SwiftProtobuf

/// Imports ONNX models into the IR.
///
/// Supported: default-domain opsets 9 through 22, `ai.onnx.ml` post-processing
/// tails (ZipMap, ArrayFeatureExtractor), weights as `raw_data`, typed fields
/// or external data, initializers listed as graph inputs (old exporters).
/// Constant subgraphs (shape arithmetic included) are folded at import time.
/// The leading dimension of every graph input is taken as the batch.
public enum ONNXImporter {
    /// Default-domain opsets we import. (22 only widened the types of
    /// existing operators, which is why recent skl2onnx output imports.)
    public static let supportedOpsets: ClosedRange<Int> = 9...22

    /// Imports the model at `path`.
    public static func importModel(at path: String) throws(FrontendError) -> Graph {
        let url = URL(fileURLWithPath: path)
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
        }
        return try importModel(bytes: bytes, path: path, baseDirectory: url.deletingLastPathComponent())
    }

    /// Imports a serialized `ModelProto`.
    /// - Parameters:
    ///   - path: used in messages and, stripped of extension, as the model name.
    ///   - baseDirectory: where external data files live (`nil` refuses them).
    public static func importModel(bytes: Data, path: String, baseDirectory: URL?) throws(FrontendError) -> Graph {
        guard !bytes.isEmpty else { throw .malformed(path: path, reason: "the file is empty") }
        let model: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            model = try Onnx_ModelProto(serializedBytes: bytes, options: options)
        } catch {
            throw .malformed(path: path, reason: "protobuf decoding failed (\(Self.describe(error))); the file is truncated or not ONNX")
        }
        guard model.hasGraph, model.irVersion > 0 else {
            throw .malformed(path: path, reason: "no ModelProto graph or ir_version found; the file is not ONNX")
        }
        var opset: Int?
        for entry in model.opsetImport where entry.domain.isEmpty || entry.domain == "ai.onnx" {
            opset = Int(exactly: entry.version)
        }
        // IR version 1–2 models predate opset_import and mean opset 1.
        guard let opset else {
            throw .malformed(path: path, reason: "the model imports no default-domain opset")
        }
        guard supportedOpsets.contains(opset) else {
            throw .unsupportedOpset(domain: "ai.onnx", version: opset, supported: supportedOpsets)
        }

        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let builder = ONNXGraphBuilder(name: name.isEmpty ? "model" : name, opset: opset)
        builder.graph.metadata["source"] = .string("onnx")
        builder.graph.metadata["opset"] = .int(opset)
        if !model.producerName.isEmpty {
            let producer = model.producerVersion.isEmpty ? model.producerName : "\(model.producerName) \(model.producerVersion)"
            builder.graph.metadata["producer"] = .string(producer)
        }
        try builder.importGraph(model.graph, decoder: TensorDecoder(baseDirectory: baseDirectory))
        do {
            try builder.graph.verify()
        } catch {
            throw .invalidGraph(error)
        }
        return builder.graph
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SwiftProtobuf.BinaryDecodingError {
            switch error {
            case .truncated: return "truncated message"
            case .malformedProtobuf: return "malformed protobuf"
            case .invalidUTF8: return "invalid UTF-8 in a string field"
            case .messageDepthLimit: return "nesting too deep"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
