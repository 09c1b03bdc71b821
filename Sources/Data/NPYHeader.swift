import Foundation

/// The fixed preamble and dictionary header of a `.npy` file.
///
/// Layout (NumPy format specification): the 6-byte magic `\x93NUMPY`, major
/// and minor version bytes, the header length (little-endian `UInt16` in
/// version 1, `UInt32` in versions 2 and 3), then the header — a Python
/// dict literal with keys `descr`, `fortran_order` and `shape`, padded with
/// spaces and ending in `\n`. Versions 1 and 2 encode the header in
/// Latin-1, version 3 in UTF-8. The array data follows immediately.
struct NPYHeader: Equatable {
    var majorVersion: UInt8
    var minorVersion: UInt8
    var descriptor: NumPyTypeDescriptor
    var fortranOrder: Bool
    var shape: [Int]
    /// Offset of the first data byte from the start of the file.
    var dataOffset: Int

    /// Parses the preamble and header of `data`.
    ///
    /// - Throws: ``DataError`` — `badMagic`, `malformedHeader`,
    ///   `unsupportedDType` or `objectArray`.
    static func parse(_ data: Data, source: String, key: String?) throws -> NPYHeader {
        let preamble = [UInt8](data.prefix(12))
        guard preamble.count >= 6, Array(preamble[0..<6]) == NPY.magic else {
            throw DataError.badMagic(path: source, format: .npy, found: Array(preamble.prefix(6)))
        }
        func malformed(_ reason: String) -> DataError {
            DataError.malformedHeader(path: source, key: key, reason: reason)
        }
        guard preamble.count >= 10 else { throw malformed("file ends inside the preamble") }
        let major = preamble[6], minor = preamble[7]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(preamble[8]) | Int(preamble[9]) << 8
            headerStart = 10
        case 2, 3:
            guard preamble.count >= 12 else { throw malformed("file ends inside the preamble") }
            headerLength = Int(preamble[8]) | Int(preamble[9]) << 8 | Int(preamble[10]) << 16 | Int(preamble[11]) << 24
            headerStart = 12
        default:
            throw malformed("unsupported format version \(major).\(minor)")
        }
        guard headerLength <= data.count - headerStart else {
            throw malformed("header length \(headerLength) exceeds the \(data.count - headerStart) bytes left in the file")
        }
        let start = data.startIndex + headerStart
        let headerBytes = data[start..<(start + headerLength)]
        let text: String
        if major == 3 {
            guard let decoded = String(bytes: headerBytes, encoding: .utf8) else {
                throw malformed("header is not valid UTF-8")
            }
            text = decoded
        } else {
            text = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }

        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch let failure as PythonLiteralParser.Failure {
            throw malformed(failure.reason)
        }
        guard case let .dictionary(pairs) = literal else { throw malformed("header is not a dictionary") }
        func value(_ name: String) throws -> PythonLiteral {
            guard let pair = pairs.first(where: { $0.key == .string(name) }) else {
                throw malformed("missing key '\(name)'")
            }
            return pair.value
        }

        let descriptor: NumPyTypeDescriptor
        switch try value("descr") {
        case let .string(text):
            switch NumPyTypeDescriptor.parse(text) {
            case let .supported(parsed): descriptor = parsed
            case .object: throw DataError.objectArray(path: source, key: key)
            case .unsupported: throw DataError.unsupportedDType(path: source, key: key, dtype: text)
            }
        case let other:
            // A list of fields: a structured dtype.
            throw DataError.unsupportedDType(path: source, key: key, dtype: other.sourceText)
        }

        guard case let .boolean(fortranOrder) = try value("fortran_order") else {
            throw malformed("'fortran_order' must be True or False")
        }

        guard case let .tuple(items) = try value("shape") else { throw malformed("'shape' must be a tuple") }
        var shape: [Int] = []
        for item in items {
            guard case let .integer(dimension) = item, dimension >= 0 else {
                throw malformed("'shape' must hold non-negative integers, found \(item.sourceText)")
            }
            shape.append(dimension)
        }
        return NPYHeader(majorVersion: major, minorVersion: minor, descriptor: descriptor,
                         fortranOrder: fortranOrder, shape: shape, dataOffset: headerStart + headerLength)
    }

    /// The preamble and header for a little-endian, C-order array.
    ///
    /// Uses version 1.0 unless the header exceeds 65535 bytes (then 2.0), and
    /// pads with spaces so the data starts at a multiple of 64 bytes.
    static func encode(dtype: NumPyDType, shape: [Int]) -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dictionary = "{'descr': '\(dtype.descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        var bytes = Array(dictionary.utf8)
        let versionTwo = bytes.count + 1 + 10 > 65535
        let preambleLength = versionTwo ? 12 : 10
        let unpadded = preambleLength + bytes.count + 1
        let padding = (64 - unpadded % 64) % 64
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        bytes.append(UInt8(ascii: "\n"))

        var data = Data(NPY.magic)
        data.append(versionTwo ? 2 : 1)
        data.append(0)
        let length = bytes.count
        data.append(UInt8(truncatingIfNeeded: length))
        data.append(UInt8(truncatingIfNeeded: length >> 8))
        if versionTwo {
            data.append(UInt8(truncatingIfNeeded: length >> 16))
            data.append(UInt8(truncatingIfNeeded: length >> 24))
        }
        data.append(contentsOf: bytes)
        return data
    }
}
