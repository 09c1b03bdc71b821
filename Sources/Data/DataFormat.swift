public import Foundation

/// The on-disk formats the data layer understands.
public enum DataFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A single NumPy array (`.npy`, format versions 1.0, 2.0 and 3.0).
    case npy
    /// A zip archive of `.npy` members (`numpy.savez` / `savez_compressed`).
    case npz
    /// An MNIST-style idx file (`*-idx3-ubyte`, `*.idx`).
    case idx
    /// A gzip container (RFC 1952) around one of the other formats.
    case gzip

    /// A human-readable name used in error messages.
    public var displayName: String {
        switch self {
        case .npy: return ".npy"
        case .npz: return ".npz (zip)"
        case .idx: return "idx"
        case .gzip: return "gzip"
        }
    }

    /// The raw name: `npy`, `npz`, `idx` or `gzip`.
    public var description: String { rawValue }

    /// The format a file name announces, if its extension is recognized.
    ///
    /// `.gz` maps to ``gzip``; `.npy`, `.npz`, `.idx` and names ending in
    /// `-ubyte` (e.g. `t10k-images-idx3-ubyte`) map to the obvious formats.
    /// - Parameter fileName: A file name or path.
    /// - Returns: The announced format, or `nil` when the name says nothing.
    public static func fromFileName(_ fileName: String) -> DataFormat? {
        let name = (fileName as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { return .gzip }
        if name.hasSuffix(".npy") { return .npy }
        if name.hasSuffix(".npz") { return .npz }
        if name.hasSuffix(".idx") || name.hasSuffix("-ubyte") || name.hasSuffix(".ubyte") { return .idx }
        return nil
    }

    /// The format the leading bytes of `data` identify, if any.
    ///
    /// Recognizes `\x93NUMPY` (npy), `PK` (zip), `1f 8b` (gzip) and an idx
    /// magic (two zero bytes, a known type byte, a rank byte).
    /// - Parameter data: The file contents (only the first bytes are read).
    /// - Returns: The sniffed format, or `nil`.
    public static func sniff(_ data: Data) -> DataFormat? {
        let head = [UInt8](data.prefix(4))
        if head.count >= 4, head[0] == 0x93, head[1] == 0x4E, head[2] == 0x55, head[3] == 0x4D { return .npy }
        if head.count >= 2, head[0] == 0x50, head[1] == 0x4B { return .npz }
        if head.count >= 2, head[0] == 0x1F, head[1] == 0x8B { return .gzip }
        if head.count >= 4, head[0] == 0, head[1] == 0, IDX.ElementKind(rawValue: head[2]) != nil { return .idx }
        return nil
    }
}
