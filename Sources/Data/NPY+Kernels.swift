import Foundation

// The only file of the data layer that touches raw memory: bulk conversion
// between packed little/big-endian element bytes and `[Double]`.

extension NPY {
    /// Decodes `count` packed elements starting `offset` bytes into `data`.
    ///
    /// - Precondition: `data` holds at least `offset + count * itemSize`
    ///   bytes (checked by the callers against the declared shape).
    /// - Returns: The values as `Double` (exact for every type except 64-bit
    ///   integers beyond ±2⁵³).
    static func decodeElements(_ data: Data, offset: Int, count: Int,
                               descriptor: NumPyTypeDescriptor) -> [Double] {
        let itemSize = descriptor.dtype.itemSize
        precondition(offset >= 0 && count >= 0 && data.count - offset >= count * itemSize,
                     "decodeElements: payload shorter than the checked size")
        guard count > 0 else { return [] }
        let big = descriptor.byteOrder == .big
        return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> [Double] in
            let source = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count * itemSize)])
            switch descriptor.dtype {
            case .bool:
                return decode(source, count, UInt8.self, big) { $0 == 0 ? 0 : 1 }
            case .int8:
                return decode(source, count, UInt8.self, big) { Double(Int8(bitPattern: $0)) }
            case .uint8:
                return decode(source, count, UInt8.self, big) { Double($0) }
            case .int16:
                return decode(source, count, UInt16.self, big) { Double(Int16(bitPattern: $0)) }
            case .uint16:
                return decode(source, count, UInt16.self, big) { Double($0) }
            case .int32:
                return decode(source, count, UInt32.self, big) { Double(Int32(bitPattern: $0)) }
            case .uint32:
                return decode(source, count, UInt32.self, big) { Double($0) }
            case .int64:
                return decode(source, count, UInt64.self, big) { Double(Int64(bitPattern: $0)) }
            case .uint64:
                return decode(source, count, UInt64.self, big) { Double($0) }
            case .float32:
                return decode(source, count, UInt32.self, big) { Double(Float(bitPattern: $0)) }
            case .float64:
                return decode(source, count, UInt64.self, big) { Double(bitPattern: $0) }
            }
        }
    }

    /// Loads `count` values of the raw type `Raw` (unaligned), fixes their
    /// byte order and converts each with `convert`.
    @inline(__always)
    private static func decode<Raw: FixedWidthInteger>(
        _ source: UnsafeRawBufferPointer, _ count: Int, _: Raw.Type, _ bigEndian: Bool,
        _ convert: (Raw) -> Double
    ) -> [Double] {
        let stride = MemoryLayout<Raw>.size
        return [Double](unsafeUninitializedCapacity: count) { output, initialized in
            if bigEndian {
                for index in 0..<count {
                    output[index] = convert(Raw(bigEndian: source.loadUnaligned(fromByteOffset: index &* stride, as: Raw.self)))
                }
            } else {
                for index in 0..<count {
                    output[index] = convert(Raw(littleEndian: source.loadUnaligned(fromByteOffset: index &* stride, as: Raw.self)))
                }
            }
            initialized = count
        }
    }

    /// Packs values as elements of `dtype` in the given byte order.
    ///
    /// - Precondition: integer dtypes receive integral in-range values
    ///   (checked by ``NPY/checkRepresentable(_:)``).
    static func encodeElements(_ scalars: [Double], dtype: NumPyDType, byteOrder: ByteOrder = .little) -> Data {
        let big = byteOrder == .big
        let itemSize = dtype.itemSize
        var data = Data(count: scalars.count * itemSize)
        guard !scalars.isEmpty else { return data }
        data.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
            switch dtype {
            case .bool: encode(scalars, into: target, big) { UInt8($0 != 0 ? 1 : 0) }
            case .int8: encode(scalars, into: target, big) { UInt8(bitPattern: Int8($0)) }
            case .uint8: encode(scalars, into: target, big) { UInt8($0) }
            case .int16: encode(scalars, into: target, big) { UInt16(bitPattern: Int16($0)) }
            case .uint16: encode(scalars, into: target, big) { UInt16($0) }
            case .int32: encode(scalars, into: target, big) { UInt32(bitPattern: Int32($0)) }
            case .uint32: encode(scalars, into: target, big) { UInt32($0) }
            case .int64: encode(scalars, into: target, big) { UInt64(bitPattern: Int64($0)) }
            case .uint64: encode(scalars, into: target, big) { UInt64($0) }
            case .float32: encode(scalars, into: target, big) { Float($0).bitPattern }
            case .float64: encode(scalars, into: target, big) { $0.bitPattern }
            }
        }
        return data
    }

    @inline(__always)
    private static func encode<Raw: FixedWidthInteger>(
        _ scalars: [Double], into target: UnsafeMutableRawBufferPointer, _ bigEndian: Bool,
        _ convert: (Double) -> Raw
    ) {
        let stride = MemoryLayout<Raw>.size
        for (index, value) in scalars.enumerated() {
            let raw = convert(value)
            target.storeBytes(of: bigEndian ? raw.bigEndian : raw.littleEndian,
                              toByteOffset: index &* stride, as: Raw.self)
        }
    }
}
