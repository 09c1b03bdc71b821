internal import Foundation
public import HepexcIR
internal import ZIPFoundation

/// Imports Keras models into the IR.
///
/// Formats (see `docs/keras.md`):
/// - Keras 2 legacy `.h5` from `model.save()` (architecture in the
///   `model_config` attribute, weights under `model_weights/`);
/// - Keras 2 `save_weights()` `.h5` plus the model's JSON
///   (`model.to_json()`), passed as `configPath`;
/// - Keras 3 `.keras` archives (`config.json` + `model.weights.h5`), Keras 3
///   `.weights.h5` plus JSON, and Keras 3's legacy `.h5`.
///
/// Keras images are NHWC; the graph keeps the model's input and output
/// shapes and converts to the IR's NCHW convolutions inside (kernels
/// `[kh, kw, in, out]` become `[out, in, kh, kw]`; a Flatten after
/// convolutions keeps Keras' height-width-channel order).
public enum KerasImporter {
    /// Imports the model at `path`.
    /// - Parameters:
    ///   - path: a `.h5`/`.hdf5`/`.keras` file (recognised by content).
    ///   - configPath: the model's JSON config, for weights-only files; it
    ///     overrides an architecture stored in the file.
    /// - Throws: ``FrontendError`` with a one-line message.
    public static func importModel(at path: String, configPath: String? = nil) throws(FrontendError) -> Graph {
        let head = try readHead(path)
        let config = try configPath.map { (config) throws(FrontendError) in try readConfig(config) }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return try importArchive(path, config: config)
        }
        return try importHDF5(path, displayPath: path, config: config, format: "h5")
    }

    private static func importHDF5(_ path: String, displayPath: String, config: KerasJSON?, format: String,
                                   archiveVersion: String? = nil) throws(FrontendError) -> Graph {
        let graph = try HDF5File.withFile(at: path, displayPath: displayPath) { (file) throws(FrontendError) -> Graph in
            var json = config
            if json == nil, let text = try file.stringAttribute("model_config")?.first {
                json = try KerasJSON.parse(Data(text.utf8), source: "\(displayPath) (model_config)")
            }
            guard let json else { throw .missingKerasConfig(path: displayPath) }
            let model = try KerasModelConfig(json: json, source: displayPath)
            let weights = try KerasWeightStore(file: file, model: model)
            let builder = KerasGraphBuilder(model: model, weights: weights)
            try builder.build()
            var graph = builder.graph
            graph.metadata["source"] = .string("keras")
            graph.metadata["keras_format"] = .string(describe(weights.layout, format: format))
            var version = model.kerasVersion ?? archiveVersion, backend = model.backend
            if version == nil { version = try file.stringAttribute("keras_version")?.first }
            if backend == nil { backend = try file.stringAttribute("backend")?.first }
            if let version {
                graph.metadata["producer"] = .string("keras \(version)" + (backend.map { " (\($0) backend)" } ?? ""))
            }
            return graph
        }
        try verify(graph)
        return graph
    }

    private static func verify(_ graph: Graph) throws(FrontendError) {
        do {
            try graph.verify()
        } catch {
            throw .invalidGraph(error)
        }
    }

    private static func describe(_ layout: KerasWeightStore.Layout, format: String) -> String {
        switch layout {
        case .legacy(let root): return root.isEmpty ? "h5 (save_weights)" : "h5 (model.save)"
        case .savingLib: return format == "keras" ? "keras archive" : "weights.h5 (saving_lib)"
        }
    }

    /// A `.keras` zip: `config.json` and `model.weights.h5` (extracted to a
    /// temporary file, since HDF5 reads files).
    private static func importArchive(_ path: String, config: KerasJSON?) throws(FrontendError) -> Graph {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .malformed(path: path, reason: "not a valid .keras archive (zip): \(error)")
        }
        var json = config
        if json == nil {
            guard let data = try member(archive, "config.json", path) else { throw .missingKerasConfig(path: path) }
            json = try KerasJSON.parse(data, source: "\(path) (config.json)")
        }
        guard let weights = try member(archive, "model.weights.h5", path) else {
            throw .malformed(path: path, reason: "the .keras archive has no model.weights.h5")
        }
        // metadata.json records the Keras version that wrote the archive.
        var version: String?
        if let metadata = try? member(archive, "metadata.json", path),
           let json = try? KerasJSON.parse(metadata, source: path) {
            version = json["keras_version"]?.string
        }
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("hepexc-\(UUID().uuidString).weights.h5")
        do {
            try weights.write(to: temporary)
        } catch {
            throw .unreadable(path: path, reason: "cannot extract model.weights.h5 to \(temporary.path)")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        return try importHDF5(temporary.path, displayPath: "\(path) (model.weights.h5)", config: json, format: "keras",
                              archiveVersion: version)
    }

    /// The largest archive member read (1 GiB: a Keras model's weights).
    static let maximumMemberBytes: UInt64 = 1 << 30

    private struct InflatesPastDeclaredSize: Error {}

    private static func member(_ archive: Archive, _ name: String, _ path: String) throws(FrontendError) -> Data? {
        guard let entry = archive[name] else { return nil }
        let declared = entry.uncompressedSize
        guard declared <= maximumMemberBytes else {
            throw .malformed(path: path, reason: "\(name) declares \(declared) bytes, more than the \(maximumMemberBytes) hepexc reads")
        }
        var data = Data()
        do {
            // Inflation stops at the declared size: a member whose header
            // lies (a 7 MB archive inflating to gigabytes) is refused.
            _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                guard UInt64(data.count + chunk.count) <= declared else { throw InflatesPastDeclaredSize() }
                data.append(chunk)
            }
        } catch is InflatesPastDeclaredSize {
            throw .malformed(path: path, reason: "\(name) inflates past its declared \(declared) bytes")
        } catch {
            throw .malformed(path: path, reason: "cannot extract \(name): \(error)")
        }
        return data
    }

    private static func readConfig(_ path: String) throws(FrontendError) -> KerasJSON {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
        }
        return try KerasJSON.parse(data, source: path)
    }

    private static func readHead(_ path: String) throws(FrontendError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: isDirectory.boolValue ? "is a directory" : "not readable")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        guard !head.isEmpty else { throw .malformed(path: path, reason: "the file is empty") }
        return head
    }
}
