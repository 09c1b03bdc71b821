internal import CHDF5
internal import Foundation

/// A read-only HDF5 file, as Keras writes them: groups, datasets of floats,
/// and string attributes (variable- or fixed-length, scalar or arrays).
///
/// The serial HDF5 library is not thread-safe, so every use goes through
/// ``withFile(at:displayPath:_:)``, which holds a process-wide lock from
/// opening the file to closing it. Paths are `/`-separated and relative to
/// the root group (`model_weights/fc1/fc1/kernel:0`).
final class HDF5File {
    /// The path shown in error messages.
    let displayPath: String
    /// The HDF5 file identifier.
    let id: hid_t

    /// Serialises all HDF5 calls of the process.
    private static let lock = NSLock()

    /// The 8-byte HDF5 format signature (at offset 0, 512, 1024, …).
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    private init(id: hid_t, displayPath: String) {
        self.id = id
        self.displayPath = displayPath
    }

    /// Opens `path` read-only, runs `body` on it and closes it.
    /// - Parameter displayPath: the name used in messages (defaults to `path`).
    /// - Throws: ``FrontendError/unreadable(path:reason:)``,
    ///   ``FrontendError/malformed(path:reason:)`` when the file is not HDF5
    ///   or is truncated, and whatever `body` throws.
    static func withFile<T>(at path: String, displayPath: String? = nil,
                            _ body: (HDF5File) throws(FrontendError) -> T) throws(FrontendError) -> T {
        let shown = displayPath ?? path
        try checkSignature(path, shown)
        lock.lock()
        defer { lock.unlock() }
        _ = chdf5_silence_errors()
        let id = H5Fopen(path, chdf5_f_acc_rdonly(), chdf5_p_default())
        guard id >= 0 else {
            throw .malformed(path: shown, reason: "HDF5 cannot open the file (truncated or corrupt)")
        }
        let file = HDF5File(id: id, displayPath: shown)
        defer { H5Fclose(id) }
        try file.refuseForeignData()
        return try body(file)
    }

    /// Refuses files whose links or datasets would make HDF5 read other
    /// files (external links, external raw storage, virtual datasets): a
    /// 12 KB `.h5` could otherwise disclose a system file through its weights.
    private func refuseForeignData() throws(FrontendError) {
        let found = chdf5_find_foreign_data(id)
        guard found.problem != 0 else { return }
        let name = HDF5File.objectName(found)
        let what = switch found.problem {
        case 1: "an external link"
        case 2: "a dataset stored in external files"
        default: "a virtual dataset (data from other files)"
        }
        throw .malformed(path: displayPath, reason: "'/\(name)' is \(what); model files may only use data inside themselves")
    }

    /// Refuses files without the HDF5 signature before HDF5 sees them.
    private static func checkSignature(_ path: String, _ shown: String) throws(FrontendError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: shown, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
        }
        defer { try? handle.close() }
        var offset: UInt64 = 0
        while offset <= 4096 {
            guard (try? handle.seek(toOffset: offset)) != nil,
                  let head = try? handle.read(upToCount: 8), head.count == 8 else { break }
            if Array(head) == signature { return }
            offset = offset == 0 ? 512 : offset * 2
        }
        throw .malformed(path: shown, reason: "not an HDF5 file (no HDF5 signature); Keras models are HDF5 .h5 files or .keras archives")
    }

    /// Whether every component of `path` exists.
    func exists(_ path: String) -> Bool {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + component
            guard H5Lexists(id, prefix, chdf5_p_default()) > 0 else { return false }
        }
        return true
    }

    /// Whether `path` names a group (the root is `""`).
    func isGroup(_ path: String) -> Bool { objectType(path) == H5I_GROUP }

    /// Whether `path` names a dataset.
    func isDataset(_ path: String) -> Bool { objectType(path) == H5I_DATASET }

    private func objectType(_ path: String) -> H5I_type_t? {
        guard path.isEmpty || exists(path) else { return nil }
        let object = H5Oopen(id, path.isEmpty ? "." : path, chdf5_p_default())
        guard object >= 0 else { return nil }
        defer { H5Oclose(object) }
        return H5Iget_type(object)
    }

    /// The names of a group's members, sorted by name; empty when `path` is
    /// not a group.
    func children(of path: String) -> [String] {
        guard isGroup(path) else { return [] }
        let group = H5Gopen2(id, path.isEmpty ? "." : path, chdf5_p_default())
        guard group >= 0 else { return [] }
        defer { H5Gclose(group) }
        var info = H5G_info_t()
        guard H5Gget_info(group, &info) >= 0 else { return [] }
        return (0..<info.nlinks).compactMap { HDF5File.linkName(group, index: $0) }
    }

    /// A string attribute of the object at `path` (`""` for the root), as a
    /// list (a scalar string gives one element). `nil` when there is no such
    /// attribute; an empty numeric array (Keras' empty `weight_names`) gives
    /// `[]`.
    /// - Throws: ``FrontendError/malformed(path:reason:)`` for an attribute
    ///   that is neither strings nor empty.
    func stringAttribute(_ name: String, of path: String = "") throws(FrontendError) -> [String]? {
        let object = path.isEmpty ? "." : path
        guard path.isEmpty || exists(path), H5Aexists_by_name(id, object, name, chdf5_p_default()) > 0 else { return nil }
        let attribute = H5Aopen_by_name(id, object, name, chdf5_p_default(), chdf5_p_default())
        guard attribute >= 0 else { return nil }
        defer { H5Aclose(attribute) }
        guard let strings = HDF5File.readStrings(attribute) else {
            throw .malformed(path: displayPath, reason: "attribute '\(name)' of '/\(path)' is not a string")
        }
        return strings
    }

    /// A numeric dataset as a float tensor shape and row-major values.
    /// - Throws: ``FrontendError/invalidTensor(name:reason:)`` when the
    ///   dataset is not numeric or too large.
    func dataset(_ path: String) throws(FrontendError) -> (shape: [Int], values: [Double]) {
        let dataset = H5Dopen2(id, path, chdf5_p_default())
        guard dataset >= 0 else { throw .invalidTensor(name: path, reason: "cannot open the dataset") }
        defer { H5Dclose(dataset) }
        return try HDF5File.readDoubles(dataset, name: path)
    }
}
