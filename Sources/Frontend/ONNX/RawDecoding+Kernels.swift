internal import Foundation

/// Little-endian decoding of `raw_data` payloads (lengths checked by the caller).
enum RawDecoding {
    static func decode(_ bytes: Data, layout: TensorDecoder.Layout, count: Int) -> [Double] {
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                let offset = index * layout.size
                switch (layout.kind, layout.size) {
                case (.float32, _):
                    values[index] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
                case (.float64, _):
                    values[index] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                case (.float16, _), (.bfloat16, _):
                    let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                    values[index] = halfToDouble(bits, bfloat: layout.kind == .bfloat16)
                case (.signed, 1): values[index] = Double(raw.loadUnaligned(fromByteOffset: offset, as: Int8.self))
                case (.signed, 2): values[index] = Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
                case (.signed, 4): values[index] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                case (.signed, _): values[index] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                case (.unsigned, 1), (.bool, _): values[index] = Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt8.self))
                case (.unsigned, 2): values[index] = Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case (.unsigned, 4): values[index] = Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                case (.unsigned, _): values[index] = Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                }
            }
        }
        return values
    }

    /// IEEE half or bfloat16 bits to `Double`.
    static func halfToDouble(_ bits: UInt16, bfloat: Bool) -> Double {
        if bfloat { return Double(Float(bitPattern: UInt32(bits) << 16)) }
        let sign = (bits & 0x8000) != 0 ? -1.0 : 1.0
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
