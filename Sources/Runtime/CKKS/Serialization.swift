/// The binary container shared by every serialized runtime object.
///
/// All fields are little-endian 64-bit words except the first:
/// ```
/// magic      4 bytes  ("HXPR" parameters, "HXPK" public key, "HXRK" relinearization key,
///                      "HXGK" Galois keys, "HXCT" ciphertext, "HXPT" plaintext, "HXSK" secret key,
///                      "HXEN" sparse-secret encapsulation keys, "HXSC" seeded ciphertext)
/// version    UInt16   (1; "HXRK" and "HXGK" holding level-trimmed keys are written as 2)
/// reserved   UInt16   (0)
/// paramHash  UInt64   (CKKSParameters.parameterHash; a parameters file carries its own)
/// length     UInt64   (payload words)
/// payload    length × UInt64
/// checksum   UInt64   (FNV-1a over all preceding words)
/// ```
/// Loading checks, in order: size, magic (kind), version, checksum, parameter hash, then the
/// payload's own structure and that every residue is reduced. Any failure throws `HEError`.
public enum SerializedKind: String, Sendable, CaseIterable {
    case parameters = "HXPR"
    case publicKey = "HXPK"
    case relinearizationKey = "HXRK"
    case galoisKeys = "HXGK"
    case ciphertext = "HXCT"
    case plaintext = "HXPT"
    case secretKey = "HXSK"
    case encapsulationKeys = "HXEN"
    case seededCiphertext = "HXSC"

    var magic: UInt32 {
        let bytes = Array(rawValue.utf8)
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    static func from(magic: UInt32) -> SerializedKind? { allCases.first { $0.magic == magic } }
}

enum Container {
    static let version: UInt16 = 1
    static let headerWords = 3

    /// Wraps payload words into the container (format `version`, 1 unless the kind has a newer one).
    static func encode(_ kind: SerializedKind, parameterHash: UInt64, payload: [UInt64], version: UInt16 = version) -> [UInt8] {
        var words: [UInt64] = [UInt64(kind.magic) | UInt64(version) << 32, parameterHash, UInt64(payload.count)]
        words.reserveCapacity(payload.count + 4)
        words += payload
        words.append(FNV1a.hash(words))
        return words.withUnsafeBufferPointer { buffer in
            Array(UnsafeRawBufferPointer(buffer))  // little-endian hosts only (x86-64, arm64)
        }
    }

    /// Validates the container (format version 1) and returns the payload words.
    static func decode(_ bytes: [UInt8], expecting kind: SerializedKind, parameterHash: UInt64?) throws -> [UInt64] {
        try decodeVersioned(bytes, expecting: kind, parameterHash: parameterHash, versions: version...version).payload
    }

    /// Validates the container, accepting the format `versions`, and returns its version and payload words.
    static func decodeVersioned(_ bytes: [UInt8], expecting kind: SerializedKind, parameterHash: UInt64?,
                                versions: ClosedRange<UInt16>) throws -> (version: UInt16, payload: [UInt64]) {
        guard bytes.count >= 8 * (headerWords + 1), bytes.count % 8 == 0 else {
            throw HEError.corruptedData("\(bytes.count) bytes is not a whole container")
        }
        var words = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        }
        let magic = UInt32(truncatingIfNeeded: words[0])
        guard let found = SerializedKind.from(magic: magic) else { throw HEError.corruptedData("unknown magic") }
        guard found == kind else { throw HEError.wrongObjectKind(expected: kind.rawValue, found: found.rawValue) }
        let version = UInt16(truncatingIfNeeded: words[0] >> 32)
        guard versions.contains(version) else { throw HEError.unsupportedVersion(version) }
        guard words[2] == UInt64(words.count - headerWords - 1) else {
            throw HEError.corruptedData("payload length \(words[2]) does not match the file size")
        }
        guard let checksum = words.last, FNV1a.hash(words.dropLast()) == checksum else {
            throw HEError.corruptedData("checksum mismatch")
        }
        if let expected = parameterHash, words[1] != expected {
            throw HEError.parameterHashMismatch(expected: expected, found: words[1])
        }
        // The payload in place: no second copy of what may be hundreds of MiB of keys.
        words.removeLast()
        words.removeFirst(headerWords)
        return (version, words)
    }
}

/// Sequential reads from a payload with bounds checks.
struct PayloadReader {
    let words: [UInt64]
    var position = 0

    mutating func next(_ what: String) throws -> UInt64 {
        guard position < words.count else { throw HEError.corruptedData("payload ends before \(what)") }
        defer { position += 1 }
        return words[position]
    }

    mutating func int(_ what: String, in range: ClosedRange<Int>) throws -> Int {
        let v = try next(what)
        guard v <= UInt64(Int.max), range.contains(Int(v)) else { throw HEError.corruptedData("\(what) = \(v) out of range \(range)") }
        return Int(v)
    }

    mutating func words(_ count: Int, _ what: String) throws -> ArraySlice<UInt64> {
        guard count >= 0, words.count - position >= count else { throw HEError.corruptedData("payload ends inside \(what)") }
        defer { position += count }
        return words[position..<(position + count)]
    }

    func finish() throws {
        guard position == words.count else { throw HEError.corruptedData("\(words.count - position) trailing words") }
    }
}
