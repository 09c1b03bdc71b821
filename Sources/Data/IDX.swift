public import Foundation

/// Reading and writing MNIST-style idx files.
///
/// Layout: two zero bytes, a type byte (`0x08` uint8, `0x09` int8, `0x0B`
/// int16, `0x0C` int32, `0x0D` float32, `0x0E` float64), a rank byte, one
/// big-endian `UInt32` per dimension, then the elements, big-endian, in
/// row-major order. Files may be gzip-compressed (detected from the magic
/// bytes `1f 8b`, whatever the file name).
public enum IDX {
    /// The element type byte of an idx header.
    public enum ElementKind: UInt8, Sendable, CaseIterable {
        /// `0x08`: unsigned byte.
        case uint8 = 0x08
        /// `0x09`: signed byte.
        case int8 = 0x09
        /// `0x0B`: big-endian 16-bit signed integer.
        case int16 = 0x0B
        /// `0x0C`: big-endian 32-bit signed integer.
        case int32 = 0x0C
        /// `0x0D`: big-endian binary32.
        case float32 = 0x0D
        /// `0x0E`: big-endian binary64.
        case float64 = 0x0E

        /// The matching NumPy element type.
        public var dtype: NumPyDType {
            switch self {
            case .uint8: return .uint8
            case .int8: return .int8
            case .int16: return .int16
            case .int32: return .int32
            case .float32: return .float32
            case .float64: return .float64
            }
        }

        /// The idx type for a NumPy element type, if idx can store it.
        public init?(_ dtype: NumPyDType) {
            guard let kind = ElementKind.allCases.first(where: { $0.dtype == dtype }) else { return nil }
            self = kind
        }
    }

    /// Reads an idx file, plain or gzip-compressed.
    ///
    /// - Parameter path: The file to read.
    /// - Returns: The array; `dtype` reflects the idx type byte.
    /// - Throws: ``DataError`` — `fileNotFound`, `badMagic`, `malformedHeader`,
    ///   `unsupportedDType`, `shapeOverflow`, `truncated`, or a gzip error
    ///   (`corruptCompressedData`, `checksumMismatch`, `sizeMismatch`).
    public static func read(path: String) throws -> NumPyArray {
        try read(data: DataFile.read(path: path), source: path)
    }

    /// Decodes an idx file held in memory, gunzipping it first when it
    /// starts with the gzip magic.
    ///
    /// - Parameters:
    ///   - data: The file contents.
    ///   - source: The path (or description) used in error messages.
    /// - Returns: The array.
    /// - Throws: ``DataError`` as for ``read(path:)``.
    public static func read(data: Data, source: String = "<memory>") throws -> NumPyArray {
        if data.starts(with: Gzip.magic) {
            return try decodePlain(Gzip.decompress(data, source: source), source: source)
        }
        return try decodePlain(data, source: source)
    }

    /// Decodes an uncompressed idx file.
    static func decodePlain(_ data: Data, source: String) throws -> NumPyArray {
        let head = [UInt8](data.prefix(4))
        guard head.count == 4, head[0] == 0, head[1] == 0 else {
            throw DataError.badMagic(path: source, format: .idx, found: head)
        }
        guard let kind = ElementKind(rawValue: head[2]) else {
            throw DataError.unsupportedDType(path: source, key: nil, dtype: "idx type 0x" + String(head[2], radix: 16))
        }
        let rank = Int(head[3])
        let headerLength = 4 + 4 * rank
        guard data.count >= headerLength else {
            throw DataError.malformedHeader(
                path: source, key: nil,
                reason: "rank \(rank) needs a \(headerLength)-byte header but the file has \(data.count) bytes")
        }
        let dimensionBytes = [UInt8](data.dropFirst(4).prefix(4 * rank))
        var shape: [Int] = []
        for axis in 0..<rank {
            var dimension = 0
            for byte in dimensionBytes[(4 * axis)..<(4 * axis + 4)] {
                dimension = dimension << 8 | Int(byte)
            }
            shape.append(dimension)
        }
        guard let count = NumPyArray.elementCount(of: shape) else {
            throw DataError.shapeOverflow(path: source, key: nil, shape: shape)
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: kind.dtype.itemSize)
        guard !overflow else { throw DataError.shapeOverflow(path: source, key: nil, shape: shape) }
        let available = data.count - headerLength
        guard available >= byteCount else {
            throw DataError.truncated(path: source, key: nil, expectedBytes: byteCount, foundBytes: available)
        }
        let descriptor = NumPyTypeDescriptor(dtype: kind.dtype, byteOrder: .big)
        let scalars = NPY.decodeElements(data, offset: headerLength, count: count, descriptor: descriptor)
        return NumPyArray(shape: shape, dtype: kind.dtype, scalars: scalars)
    }

    /// Encodes an array as an idx file.
    ///
    /// - Parameter array: An array of rank ≤ 255 whose dimensions fit in
    ///   `UInt32` and whose dtype idx can store (uint8, int8, int16, int32,
    ///   float32, float64).
    /// - Returns: The file contents (uncompressed; see ``Gzip/compress(_:)``).
    /// - Throws: ``DataError/unsupportedDType(path:key:dtype:)``,
    ///   ``DataError/invalidShape(path:key:expected:found:)`` or
    ///   ``DataError/valueNotRepresentable(dtype:index:value:)``.
    public static func encode(_ array: NumPyArray) throws -> Data {
        guard let kind = ElementKind(array.dtype) else {
            throw DataError.unsupportedDType(path: "<idx output>", key: nil, dtype: array.dtype.name)
        }
        guard array.rank <= 255, array.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw DataError.invalidShape(path: "<idx output>", key: nil,
                                         expected: "rank ≤ 255 with dimensions < 2^32", found: array.shape)
        }
        try NPY.checkRepresentable(array)
        var data = Data([0, 0, kind.rawValue, UInt8(array.rank)])
        for dimension in array.shape {
            let value = UInt32(dimension)
            data.append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF),
                                     UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
        }
        data.append(NPY.encodeElements(array.scalars, dtype: array.dtype, byteOrder: .big))
        return data
    }

    /// Writes an array as an idx file, gzip-compressed when `path` ends in `.gz`.
    ///
    /// - Parameters:
    ///   - array: The array (see ``encode(_:)`` for the constraints).
    ///   - path: The destination; replaced if it exists.
    /// - Throws: ``DataError`` as for ``encode(_:)``, or `unwritable`.
    public static func write(_ array: NumPyArray, to path: String) throws {
        var data = try encode(array)
        if path.lowercased().hasSuffix(".gz") {
            data = try Gzip.compress(data)
        }
        try DataFile.write(data, to: path)
    }
}
