/// Every error the data layer reports while reading or writing arrays and
/// data sets. Each case prints as one line naming the file (and, where it
/// applies, the array key) at fault.
///
/// `path` payloads are the file path the caller passed, or a descriptive
/// source such as `"<memory>"` for in-memory buffers. `key` payloads are the
/// array name inside an `.npz` archive, or `nil` for single-array files.
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but cannot be read or written (permissions, I/O error).
    case unreadable(path: String, reason: String)
    /// The file could not be written.
    case unwritable(path: String, reason: String)
    /// Neither the file name nor the leading bytes identify a supported format.
    case unknownFormat(path: String, leadingBytes: [UInt8])
    /// The file does not start with the magic bytes of `format`.
    case badMagic(path: String, format: DataFormat, found: [UInt8])
    /// The file is not a readable zip archive (an `.npz` must be one).
    case notAZip(path: String, reason: String)
    /// A header (npy dictionary, idx dimensions, gzip flags) is malformed.
    case malformedHeader(path: String, key: String?, reason: String)
    /// The declared shape needs `expectedBytes` of payload but only
    /// `foundBytes` are present.
    case truncated(path: String, key: String?, expectedBytes: Int, foundBytes: Int)
    /// The element type is not one the data layer decodes; `dtype` is its
    /// NumPy descriptor (or idx type byte) as written in the file.
    case unsupportedDType(path: String, key: String?, dtype: String)
    /// The array holds Python objects (dtype `|O`, pickled data), which are
    /// refused because unpickling executes arbitrary code.
    case objectArray(path: String, key: String?)
    /// The number of elements or bytes implied by `shape` overflows `Int`.
    case shapeOverflow(path: String, key: String?, shape: [Int])
    /// An array has a shape the caller cannot use.
    case invalidShape(path: String, key: String?, expected: String, found: [Int])
    /// A compressed stream (deflate inside gzip or zip) is corrupt.
    case corruptCompressedData(path: String, reason: String)
    /// A CRC-32 stored in the file does not match the decompressed bytes.
    case checksumMismatch(path: String, expected: UInt32, found: UInt32)
    /// The gzip trailer's ISIZE does not match the decompressed length
    /// (modulo 2³²).
    case sizeMismatch(path: String, expected: UInt32, found: UInt32)
    /// None of the candidate keys names an array in the archive.
    case missingKey(path: String, role: String, tried: [String], present: [String])
    /// Inputs and labels disagree on the number of examples.
    case countMismatch(path: String, inputs: Int, labels: Int)
    /// A class label is negative; class indices must be ≥ 0.
    case negativeLabel(path: String, key: String?, index: Int, value: Int)
    /// A label value is not usable as a class index (too large, fractional
    /// in an integer context).
    case invalidLabel(path: String, key: String?, index: Int, value: String)
    /// The data set holds no examples.
    case emptyDataset(path: String)
    /// An input (or target) array holds NaN or ±Inf at `index`.
    case nonFiniteValue(path: String, key: String?, index: [Int], value: String)
    /// A value cannot be stored in the requested dtype when writing.
    case valueNotRepresentable(dtype: NumPyDType, index: Int, value: String)
    /// Data that would decompress (or allocate) beyond ``DataLimits``.
    case tooLarge(path: String, bytes: Int, limit: Int)
    /// Two members or header keys with the same name (readers would disagree
    /// on which one is meant).
    case duplicate(path: String, what: String)

    /// One line describing the error, naming the file and key at fault.
    /// Control characters taken from the file (a key or dtype name holding a
    /// newline, say) are escaped so the message stays on one line.
    public var description: String {
        String(message.unicodeScalars.flatMap { scalar -> [Character] in
            scalar.properties.generalCategory == .control
                ? Array(scalar.escaped(asASCII: true)) : [Character(scalar)]
        })
    }

    private var message: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .unwritable(path, reason):
            return "cannot write \(path): \(reason)"
        case let .unknownFormat(path, bytes):
            return "\(path): unrecognized data format (leading bytes \(DataError.hex(bytes))); "
                + "expected .npy, .npz, idx or gzip-compressed idx"
        case let .badMagic(path, format, found):
            return "\(path): not a \(format.displayName) file (magic bytes \(DataError.hex(found)))"
        case let .notAZip(path, reason):
            return "\(path): not a valid .npz (zip) archive: \(reason)"
        case let .malformedHeader(path, key, reason):
            return "\(DataError.place(path, key)): malformed header: \(reason)"
        case let .truncated(path, key, expected, found):
            return "\(DataError.place(path, key)): truncated payload: the declared shape needs "
                + "\(expected) bytes but only \(found) are present"
        case let .unsupportedDType(path, key, dtype):
            return "\(DataError.place(path, key)): unsupported dtype '\(dtype)'"
        case let .objectArray(path, key):
            return "\(DataError.place(path, key)): object arrays (dtype '|O', pickled data) are refused"
        case let .shapeOverflow(path, key, shape):
            return "\(DataError.place(path, key)): shape \(shape) is too large (element count overflows)"
        case let .invalidShape(path, key, expected, found):
            return "\(DataError.place(path, key)): expected shape \(expected), found \(found)"
        case let .corruptCompressedData(path, reason):
            return "\(path): corrupt compressed data: \(reason)"
        case let .checksumMismatch(path, expected, found):
            return "\(path): CRC-32 mismatch (stored \(DataError.hex32(expected)), computed \(DataError.hex32(found)))"
        case let .sizeMismatch(path, expected, found):
            return "\(path): decompressed size mismatch (trailer says \(expected) mod 2^32, got \(found))"
        case let .missingKey(path, role, tried, present):
            let presentText = present.isEmpty ? "none" : present.joined(separator: ", ")
            return "\(path): no \(role) array (tried \(tried.joined(separator: ", "))); keys present: \(presentText)"
        case let .countMismatch(path, inputs, labels):
            return "\(path): \(inputs) inputs but \(labels) labels"
        case let .negativeLabel(path, key, index, value):
            return "\(DataError.place(path, key)): label \(value) at index \(index) is negative; class indices must be ≥ 0"
        case let .invalidLabel(path, key, index, value):
            return "\(DataError.place(path, key)): label \(value) at index \(index) is not a valid class index"
        case let .emptyDataset(path):
            return "\(path): the data set is empty (0 examples)"
        case let .nonFiniteValue(path, key, index, value):
            let indexText = index.map(String.init).joined(separator: ", ")
            return "\(DataError.place(path, key)): non-finite value \(value) at [\(indexText)]"
        case let .valueNotRepresentable(dtype, index, value):
            return "value \(value) at flat index \(index) cannot be stored as \(dtype.name)"
        case let .tooLarge(path, bytes, limit):
            return "\(path) would need \(bytes) bytes, more than the limit of \(limit) (set \(DataLimits.environmentKey) to raise it)"
        case let .duplicate(path, what):
            return "\(path) holds \(what) twice; refusing to guess which one is meant"
        }
    }

    /// `path` or `path[key]`.
    static func place(_ path: String, _ key: String?) -> String {
        guard let key else { return path }
        return "\(path)[\(key)]"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "<none>" }
        return bytes.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined(separator: " ")
    }

    static func hex32(_ value: UInt32) -> String {
        let text = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - text.count)) + text
    }
}
