public import Foundation

/// Reading and writing NumPy `.npy` files.
///
/// Reads format versions 1.0, 2.0 and 3.0 with the dtypes of
/// ``NumPyDType`` in either byte order, C or Fortran order, and 0-d arrays.
/// Writes version 1.0 (2.0 when the header does not fit in 64 KiB),
/// little-endian, C order. Object arrays and structured dtypes are refused.
public enum NPY {
    /// The six magic bytes every `.npy` file starts with: `\x93NUMPY`.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Reads the array stored in a `.npy` file.
    ///
    /// - Parameter path: The file to read.
    /// - Returns: The array, in row-major order.
    /// - Throws: ``DataError`` — `fileNotFound`, `badMagic`, `malformedHeader`,
    ///   `unsupportedDType`, `objectArray`, `shapeOverflow` or `truncated`.
    public static func read(path: String) throws -> NumPyArray {
        try read(data: DataFile.read(path: path), source: path)
    }

    /// Decodes a `.npy` file held in memory.
    ///
    /// - Parameters:
    ///   - data: The complete file contents.
    ///   - source: The path (or description) used in error messages.
    ///   - key: The array's name inside an archive, used in error messages.
    /// - Returns: The array, in row-major order.
    /// - Throws: ``DataError`` as for ``read(path:)``.
    public static func read(data: Data, source: String = "<memory>", key: String? = nil) throws -> NumPyArray {
        let header = try NPYHeader.parse(data, source: source, key: key)
        let descriptor = header.descriptor
        guard let count = NumPyArray.elementCount(of: header.shape) else {
            throw DataError.shapeOverflow(path: source, key: key, shape: header.shape)
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: descriptor.dtype.itemSize)
        guard !overflow else { throw DataError.shapeOverflow(path: source, key: key, shape: header.shape) }
        let available = data.count - header.dataOffset
        guard available >= byteCount else {
            throw DataError.truncated(path: source, key: key, expectedBytes: byteCount, foundBytes: available)
        }
        var scalars = NPY.decodeElements(data, offset: header.dataOffset, count: count, descriptor: descriptor)
        if header.fortranOrder {
            scalars = NumPyArray.rowMajor(fromColumnMajor: scalars, shape: header.shape)
        }
        return NumPyArray(shape: header.shape, dtype: descriptor.dtype, scalars: scalars)
    }

    /// Writes an array as a `.npy` file (little-endian, C order), replacing
    /// any existing file.
    ///
    /// - Parameters:
    ///   - array: The array; its `dtype` selects the stored type.
    ///   - path: The destination.
    /// - Throws: ``DataError/valueNotRepresentable(dtype:index:value:)`` when a
    ///   value does not fit the dtype (non-integral or out of range for an
    ///   integer type, NaN for an integer type), or
    ///   ``DataError/unwritable(path:reason:)``.
    public static func write(_ array: NumPyArray, to path: String) throws {
        try DataFile.write(encode(array), to: path)
    }

    /// Encodes an array as the bytes of a `.npy` file.
    ///
    /// Float values are rounded to the dtype (`float32` rounds to nearest);
    /// integer dtypes require integral values within range.
    /// - Parameter array: The array to encode.
    /// - Returns: The file contents.
    /// - Throws: ``DataError/valueNotRepresentable(dtype:index:value:)``.
    public static func encode(_ array: NumPyArray) throws -> Data {
        try NPY.checkRepresentable(array)
        var data = NPYHeader.encode(dtype: array.dtype, shape: array.shape)
        data.append(NPY.encodeElements(array.scalars, dtype: array.dtype))
        return data
    }

    /// Checks that every value of an integer-typed array is integral and in range.
    static func checkRepresentable(_ array: NumPyArray) throws {
        let dtype = array.dtype
        guard let range = dtype.integerRange else { return }
        for (index, value) in array.scalars.enumerated() where !(range.contains(value) && value.rounded() == value) {
            throw DataError.valueNotRepresentable(dtype: dtype, index: index, value: String(describing: value))
        }
    }
}
