/// The NumPy element types the data layer reads and writes.
///
/// Byte order is a property of the file, not of the decoded array: a
/// big-endian `>f4` array loads as ``float32`` like a little-endian `<f4`
/// one. Writing always produces little-endian data.
public enum NumPyDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `b1`: one byte, 0 or 1 (any non-zero byte reads as 1).
    case bool
    /// `i1`: signed byte.
    case int8
    /// `u1`: unsigned byte (pixel data).
    case uint8
    /// `i2`: 16-bit signed integer.
    case int16
    /// `u2`: 16-bit unsigned integer.
    case uint16
    /// `i4`: 32-bit signed integer.
    case int32
    /// `u4`: 32-bit unsigned integer.
    case uint32
    /// `i8`: 64-bit signed integer (exact in `Double` up to ±2⁵³).
    case int64
    /// `u8`: 64-bit unsigned integer (exact in `Double` up to 2⁵³).
    case uint64
    /// `f4`: IEEE 754 binary32.
    case float32
    /// `f8`: IEEE 754 binary64.
    case float64

    /// The NumPy name, e.g. `float32`.
    public var name: String { rawValue }

    /// The NumPy name, e.g. `float32`.
    public var description: String { rawValue }

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// Whether the type holds integers (booleans count as integers 0 and 1).
    public var isInteger: Bool {
        switch self {
        case .float32, .float64: return false
        default: return true
        }
    }

    /// Whether the type is a floating-point type.
    public var isFloatingPoint: Bool { !isInteger }

    /// The little-endian NumPy descriptor written to `.npy` headers
    /// (`<f4`, `|u1`, `|b1`, …).
    public var descriptor: String {
        switch self {
        case .bool: return "|b1"
        case .int8: return "|i1"
        case .uint8: return "|u1"
        case .int16: return "<i2"
        case .uint16: return "<u2"
        case .int32: return "<i4"
        case .uint32: return "<u4"
        case .int64: return "<i8"
        case .uint64: return "<u8"
        case .float32: return "<f4"
        case .float64: return "<f8"
        }
    }

    /// The range of integers the type stores exactly, or `nil` for floats.
    var integerRange: ClosedRange<Double>? {
        switch self {
        case .bool: return 0...1
        case .int8: return -128...127
        case .uint8: return 0...255
        case .int16: return -32768...32767
        case .uint16: return 0...65535
        case .int32: return -2_147_483_648...2_147_483_647
        case .uint32: return 0...4_294_967_295
        // The largest doubles below 2^63 and 2^64.
        case .int64: return -9_223_372_036_854_775_808...9_223_372_036_854_774_784
        case .uint64: return 0...18_446_744_073_709_549_568
        case .float32, .float64: return nil
        }
    }
}

/// The byte order of multi-byte elements in a file.
enum ByteOrder: Sendable, Equatable {
    case little
    case big
}

/// A parsed NumPy type descriptor: element type plus byte order.
struct NumPyTypeDescriptor: Sendable, Equatable {
    var dtype: NumPyDType
    var byteOrder: ByteOrder

    /// The outcome of parsing a descriptor string.
    enum ParseResult: Equatable {
        case supported(NumPyTypeDescriptor)
        case object
        case unsupported
    }

    /// Parses a descriptor such as `<f4`, `>i8`, `|u1`, `=f8` or `f4`.
    ///
    /// `=` (native) and a missing order character mean little-endian, the
    /// byte order of every platform hepexc runs on.
    static func parse(_ text: String) -> ParseResult {
        var characters = Substring(text)
        var order = ByteOrder.little
        if let first = characters.first, "<>|=".contains(first) {
            if first == ">" { order = .big }
            characters = characters.dropFirst()
        }
        guard let kind = characters.first else { return .unsupported }
        if kind == "O" { return .object }
        guard let size = Int(characters.dropFirst()) else { return .unsupported }
        let dtype: NumPyDType?
        switch (kind, size) {
        case ("b", 1), ("?", 1): dtype = .bool
        case ("i", 1): dtype = .int8
        case ("u", 1): dtype = .uint8
        case ("i", 2): dtype = .int16
        case ("u", 2): dtype = .uint16
        case ("i", 4): dtype = .int32
        case ("u", 4): dtype = .uint32
        case ("i", 8): dtype = .int64
        case ("u", 8): dtype = .uint64
        case ("f", 4): dtype = .float32
        case ("f", 8): dtype = .float64
        default: dtype = nil
        }
        guard let dtype else { return .unsupported }
        return .supported(NumPyTypeDescriptor(dtype: dtype, byteOrder: dtype.itemSize == 1 ? .little : order))
    }
}
