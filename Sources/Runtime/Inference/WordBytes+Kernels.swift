/// Little-endian words ↔ bytes (x86-64 and arm64 hosts), the one place with raw buffers.
enum WordBytes {
    /// `bytes.count` must be a multiple of 8 (callers check); a shorter tail is dropped.
    static func words(of bytes: [UInt8]) -> [UInt64] {
        let count = bytes.count / 8
        return [UInt64](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                for index in 0..<count { out[index] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)) }
            }
            initialized = count
        }
    }

    static func bytes(of words: [UInt64]) -> [UInt8] {
        words.withUnsafeBufferPointer { buffer in Array(UnsafeRawBufferPointer(buffer)) }
    }

    /// The bytes of a slice, without first copying it into an array of its own.
    static func bytes(of words: ArraySlice<UInt64>) -> [UInt8] {
        words.withUnsafeBufferPointer { buffer in Array(UnsafeRawBufferPointer(buffer)) }
    }
}
