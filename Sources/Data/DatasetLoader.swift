import Foundation
import HepexcIR

/// Loads a ``Dataset`` from `.npz`, `.npy` or idx files (plain or gzip).
///
/// See `docs/data.md` for the accepted formats, key names, label
/// conventions and error messages.
public enum DatasetLoader {
    /// What to do with `uint8` inputs.
    public enum Scaling: Sendable, Hashable {
        /// Keep values as stored.
        case none
        /// Divide `uint8` inputs by 255 into [0, 1]; other dtypes are untouched.
        case unit
    }

    /// Keys tried, in order, for the inputs of an `.npz` archive.
    public static let inputKeyCandidates = ["x", "X", "inputs", "images", "x_test", "data"]

    /// Keys tried, in order, for the labels of an `.npz` archive.
    public static let labelKeyCandidates = ["y", "Y", "labels", "y_test", "targets"]

    /// Loads a data set.
    ///
    /// - `.npz`: inputs from `inputKey` or the first of
    ///   ``inputKeyCandidates`` present; labels from `labelKey` or the first
    ///   of ``labelKeyCandidates`` present (optional).
    /// - `.npy`: inputs only.
    /// - idx (`*-idx3-ubyte`, `*.idx`, optionally `.gz`): inputs; rank-3
    ///   images `[N, H, W]` become `[N, 1, H, W]`. Labels come from the
    ///   sibling `…-labels-idx1-ubyte[.gz]` file when it exists.
    ///
    /// `labelsPath` (an `.npy`, `.npz` or idx file) overrides any labels
    /// found with the inputs. Labels become class indices or regression
    /// targets by the rules in `docs/data.md`.
    /// - Parameters:
    ///   - path: The inputs file.
    ///   - inputKey: The `.npz` key holding the inputs (default: try the candidates).
    ///   - labelKey: The `.npz` key holding the labels (default: try the candidates).
    ///   - labelsPath: A separate labels file.
    ///   - scale: ``Scaling/unit`` (default) divides `uint8` inputs by 255.
    /// - Returns: The data set; inputs are `f64` for float64 data, `f32` otherwise.
    /// - Throws: ``DataError`` — every malformed file, missing key, count
    ///   mismatch, negative label, empty data set or non-finite input.
    public static func load(path: String, inputKey: String? = nil, labelKey: String? = nil,
                            labelsPath: String? = nil, scale: Scaling = .unit) throws -> Dataset {
        let file = try LoadedFile(path: path)
        var source = Dataset.Source(path: path, format: file.format, isCompressed: file.isCompressed)

        // Inputs (and, for .npz, in-archive labels).
        var inputs: NumPyArray
        var labelArray: (array: NumPyArray, path: String, key: String?)?
        switch file.format {
        case .npz:
            let archive = try file.isCompressed
                ? NPZArchive(data: file.data, source: path) : NPZArchive(path: path)
            let key = try resolveKey(in: archive, explicit: inputKey, candidates: inputKeyCandidates,
                                     role: "inputs", required: true)
            guard let key, let array = try archive.array(named: key) else {
                throw DataError.missingKey(path: path, role: "inputs", tried: inputKeyCandidates, present: archive.keys)
            }
            inputs = array
            source.inputKey = key
            if labelsPath == nil,
               let labelKey = try resolveKey(in: archive, explicit: labelKey, candidates: labelKeyCandidates,
                                             role: "labels", required: labelKey != nil),
               let labels = try archive.array(named: labelKey) {
                labelArray = (labels, path, labelKey)
                source.labelKey = labelKey
            }
        case .npy:
            inputs = try NPY.read(data: file.data, source: path)
        case .idx:
            inputs = try IDX.decodePlain(file.data, source: path)
        case .gzip:
            throw DataError.unknownFormat(path: path, leadingBytes: Array(file.data.prefix(4)))
        }

        // Separate labels file, explicit or an idx sibling.
        if let explicitLabels = labelsPath ?? (file.format == .idx ? siblingLabelsPath(of: path) : nil) {
            let loaded = try loadLabelArray(path: explicitLabels, labelKey: labelKey)
            labelArray = (loaded.array, explicitLabels, loaded.key)
            source.labelsPath = explicitLabels
            source.labelKey = loaded.key
        }

        // Inputs: shape, finiteness, scaling.
        let inputKeyName = source.inputKey
        guard inputs.rank >= 1 else {
            throw DataError.invalidShape(path: path, key: inputKeyName, expected: "[N, …]", found: inputs.shape)
        }
        guard inputs.shape[0] > 0 else { throw DataError.emptyDataset(path: path) }
        if let (index, value) = inputs.firstNonFinite {
            throw DataError.nonFiniteValue(path: path, key: inputKeyName, index: index, value: "\(value)")
        }
        var tensor: Tensor
        if scale == .unit && inputs.dtype == .uint8 {
            tensor = Tensor(shape: inputs.shape, scalars: inputs.scalars.map { Double(Float($0 / 255)) },
                            elementType: .f32)
            source.scaledToUnitRange = true
        } else {
            tensor = inputs.tensor()
        }
        if file.format == .idx && inputs.rank == 3 {
            tensor = tensor.reshaped([inputs.shape[0], 1, inputs.shape[1], inputs.shape[2]])
        }

        // Labels: class indices or regression targets.
        var labels: [Int]?
        var targets: Tensor?
        if let labelArray {
            (labels, targets) = try interpretLabels(labelArray.array, exampleCount: inputs.shape[0],
                                                    inputsPath: path, labelsPath: labelArray.path,
                                                    key: labelArray.key)
        }
        return Dataset(inputs: tensor, labels: labels, targets: targets, source: source)
    }

    /// The first key present among `explicit` (if given) or `candidates`.
    ///
    /// - Throws: ``DataError/missingKey(path:role:tried:present:)`` when
    ///   `required` and nothing matches.
    static func resolveKey(in archive: NPZArchive, explicit: String?, candidates: [String],
                           role: String, required: Bool) throws -> String? {
        let tried = explicit.map { [$0] } ?? candidates
        let present = archive.keys
        if let key = tried.first(where: present.contains) { return key }
        if required {
            throw DataError.missingKey(path: archive.source, role: role, tried: tried, present: present)
        }
        return nil
    }

    /// The labels file next to an idx images file, if one exists:
    /// `…images-idx3-ubyte[.gz]` ↔ `…labels-idx1-ubyte[.gz]` (the same
    /// compression preferred).
    static func siblingLabelsPath(of imagesPath: String) -> String? {
        let url = URL(fileURLWithPath: imagesPath)
        let name = url.lastPathComponent
        guard name.contains("images") else { return nil }
        var base = name.replacingOccurrences(of: "images", with: "labels")
            .replacingOccurrences(of: "idx3", with: "idx1")
        let compressed = base.lowercased().hasSuffix(".gz")
        if compressed { base = String(base.dropLast(3)) }
        let names = compressed ? [base + ".gz", base] : [base, base + ".gz"]
        let directory = url.deletingLastPathComponent()
        for candidate in names {
            let path = directory.appendingPathComponent(candidate).path
            if DataFile.exists(path) {
                // Keep the caller's relative spelling when the images path had no directory part.
                return imagesPath.contains("/") ? path : candidate
            }
        }
        return nil
    }

    /// Reads a labels array from an `.npy`, `.npz` or idx file.
    static func loadLabelArray(path: String, labelKey: String?) throws -> (array: NumPyArray, key: String?) {
        let file = try LoadedFile(path: path)
        switch file.format {
        case .npz:
            let archive = try file.isCompressed
                ? NPZArchive(data: file.data, source: path) : NPZArchive(path: path)
            guard let key = try resolveKey(in: archive, explicit: labelKey, candidates: labelKeyCandidates,
                                           role: "labels", required: true),
                  let array = try archive.array(named: key) else {
                throw DataError.missingKey(path: path, role: "labels", tried: labelKeyCandidates, present: archive.keys)
            }
            return (array, key)
        case .npy:
            return (try NPY.read(data: file.data, source: path), nil)
        case .idx:
            return (try IDX.decodePlain(file.data, source: path), nil)
        case .gzip:
            throw DataError.unknownFormat(path: path, leadingBytes: Array(file.data.prefix(4)))
        }
    }
}

/// A file read from disk with any gzip layer removed and its format decided.
struct LoadedFile {
    var data: Data
    var format: DataFormat
    var isCompressed: Bool

    /// Reads `path`, gunzips it when it starts with the gzip magic, and picks
    /// the format from the file name (minus `.gz`) or else the leading bytes.
    ///
    /// - Throws: ``DataError`` — `fileNotFound`, gzip errors, `badMagic` when
    ///   the name ends in `.gz` but the bytes are not gzip, `unknownFormat`.
    init(path: String) throws {
        var data = try DataFile.read(path: path)
        var name = (path as NSString).lastPathComponent
        let namedGzip = name.lowercased().hasSuffix(".gz")
        if namedGzip { name = String(name.dropLast(3)) }
        if data.starts(with: Gzip.magic) {
            data = try Gzip.decompress(data, source: path)
            isCompressed = true
        } else if namedGzip {
            throw DataError.badMagic(path: path, format: .gzip, found: Array(data.prefix(2)))
        } else {
            isCompressed = false
        }
        guard let format = DataFormat.fromFileName(name) ?? DataFormat.sniff(data), format != .gzip else {
            throw DataError.unknownFormat(path: path, leadingBytes: Array(data.prefix(4)))
        }
        self.data = data
        self.format = format
    }
}
