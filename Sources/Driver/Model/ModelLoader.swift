internal import Foundation
public import HepexcIR
internal import HepexcFrontend
internal import HepexcPasses

/// The formats a model file can have.
public enum ModelFormat: String, Sendable, Codable {
    case onnx
    case ir = "hepir"
    case keras
}

/// A model loaded from disk and brought into canonical IR form.
public struct LoadedModel: Sendable {
    public var graph: Graph
    public var format: ModelFormat
    public var path: String
}

/// Loads ONNX, Keras and textual-IR models, then runs the import pipeline
/// (`canonicalize`) and any user pipeline.
public enum ModelLoader {
    /// - Parameters:
    ///   - configPath: a Keras model's JSON config (`model.to_json()`), for
    ///     weights-only `.h5` files; refused for other formats.
    ///   - canonicalize: run ``PassRegistry/importPipeline`` first (default).
    ///   - passes: an extra pipeline in textual form, run afterwards.
    /// - Throws: ``DriverError``.
    public static func load(_ path: String, configPath: String? = nil, canonicalize: Bool = true, passes: String? = nil,
                            afterPass: (@Sendable (String, Graph) -> Void)? = nil) throws(DriverError) -> LoadedModel {
        let format = try detectFormat(path)
        if configPath != nil, format != .keras {
            throw .unsupportedModelFormat(path: path, reason: "--config applies to Keras weights files (.h5) only")
        }
        var graph: Graph
        do {
            switch format {
            case .onnx:
                graph = try ONNXImporter.importModel(at: path)
            case .ir:
                let text = try readText(path)
                graph = try Graph(parsing: text, file: path)
                try graph.verify()
            case .keras:
                try HDF5Isolation.probe(path, configPath: configPath)
                graph = try KerasImporter.importModel(at: path, configPath: configPath)
            }
            var pipeline = canonicalize && format != .ir ? PassRegistry.importPipeline : ""
            if let passes, !passes.isEmpty { pipeline += (pipeline.isEmpty ? "" : ",") + passes }
            if !pipeline.isEmpty {
                var manager = try PassManager(parsing: pipeline)
                manager.afterPass = afterPass
                try manager.run(on: &graph)
            }
        } catch {
            throw DriverError(error)
        }
        return LoadedModel(graph: graph, format: format, path: path)
    }

    /// The format from the extension, or from the first bytes when the
    /// extension says nothing.
    public static func detectFormat(_ path: String) throws(DriverError) -> ModelFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .frontend(.unreadable(path: path, reason: "no such file"))
        }
        guard !isDirectory.boolValue else { throw .frontend(.unreadable(path: path, reason: "is a directory")) }
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "onnx": return .onnx
        case "hepir", "hir": return .ir
        case "h5", "hdf5", "keras": return .keras
        default:
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw .frontend(.unreadable(path: path, reason: "not readable"))
            }
            defer { try? handle.close() }
            let head = (try? handle.read(upToCount: 8)) ?? Data()
            if head.starts(with: Array("hepir".utf8)) { return .ir }
            if head.starts(with: [0x89, 0x48, 0x44, 0x46]) || head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .keras }
            return .onnx
        }
    }

    static func readText(_ path: String) throws(DriverError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .frontend(.unreadable(path: path, reason: "not readable"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .ir(.parse(SourceLocation(file: path, line: 1, column: 1), "the file is not UTF-8 text"))
        }
        return text
    }
}
