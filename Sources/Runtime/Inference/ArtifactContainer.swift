internal import HepexcCKKS

/// The container of the client/server artifacts (evaluation keys, ciphertext
/// batches). Same shape as the CKKS layer's object container
/// (`Serialization.swift`), one word longer: every artifact also names its plan.
/// ```
/// magic      4 bytes  ("HXEK" evaluation keys, "HXCB" ciphertext batch)
/// version    UInt16   (1; ciphertext batches 2 since seeded tiles, 1 still read)
/// reserved   UInt16   (0)
/// paramHash  UInt64   (CKKSParameters.parameterHash of the plan's parameters)
/// planHash   UInt64   (PlanBinding.planHash: FNV-1a of the plan's canonical bytes)
/// length     UInt64   (payload words)
/// payload    length × UInt64 (CKKS objects inside keep their own container and checksum)
/// checksum   UInt64   (FNV-1a over all preceding words)
/// ```
/// Reading checks, in order: size, magic (with a dedicated error for a secret key or another
/// hepexc file), version, length, checksum, then parameter and plan hashes.
public enum ArtifactKind: String, Sendable, CaseIterable {
    case evaluationKeys = "HXEK"
    case ciphertextBatch = "HXCB"

    var humanName: String {
        switch self {
        case .evaluationKeys: return "an evaluation-key file (.evalkeys)"
        case .ciphertextBatch: return "a ciphertext batch (.hect)"
        }
    }
}

enum ArtifactContainer {
    static let version: UInt16 = 1
    static let headerWords = 4

    static func magic(_ text: String) -> UInt32 {
        Array(text.utf8).prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }

    /// The newest version of each kind: what this build writes and the highest it reads.
    static func newestVersion(_ kind: ArtifactKind) -> UInt16 { kind == .ciphertextBatch ? 2 : version }

    static func encode(_ kind: ArtifactKind, binding: PlanBinding, payload: [UInt64]) -> [UInt8] {
        var words: [UInt64] = [UInt64(magic(kind.rawValue)) | UInt64(newestVersion(kind)) << 32, binding.parameterHash,
                               binding.planHash, UInt64(payload.count)]
        words.reserveCapacity(payload.count + headerWords + 1)
        words += payload
        words.append(WordHash.fnv1a(words))
        return WordBytes.bytes(of: words)
    }

    /// What a file's first four bytes say it is, for error messages.
    static func describe(magic value: UInt32) -> String {
        if let kind = ArtifactKind.allCases.first(where: { magic($0.rawValue) == value }) { return kind.humanName }
        if let kind = SerializedKind.allCases.first(where: { magic($0.rawValue) == value }) {
            return kind == .secretKey ? "a secret key" : "a single CKKS object (\(kind.rawValue))"
        }
        if value == magic("HEPX") { return "a plan (.hepx)" }
        return "an unknown file"
    }

    /// Validates the container and returns the payload words.
    static func decode(_ bytes: [UInt8], expecting kind: ArtifactKind, binding: PlanBinding) throws(InferenceError) -> [UInt64] {
        try decodeVersioned(bytes, expecting: kind, binding: binding).payload
    }

    /// Validates the container (any version from 1 to the kind's newest) and returns its version and payload words.
    static func decodeVersioned(_ bytes: [UInt8], expecting kind: ArtifactKind,
                                binding: PlanBinding) throws(InferenceError) -> (version: UInt16, payload: [UInt64]) {
        if bytes.count >= 4 {
            let found = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
            if kind == .evaluationKeys, found == magic(SerializedKind.secretKey.rawValue) { throw .secretKeyOnServer }
            if found != magic(kind.rawValue) { throw .wrongKind(expected: kind.humanName, found: describe(magic: found)) }
        }
        guard bytes.count >= 8 * (headerWords + 1), bytes.count % 8 == 0 else {
            throw .corrupted("\(bytes.count) bytes is not a whole \(kind.rawValue) container")
        }
        var words = WordBytes.words(of: bytes)
        let version = UInt16(truncatingIfNeeded: words[0] >> 32)
        guard (1...newestVersion(kind)).contains(version) else { throw .unsupportedVersion(Int(version)) }
        guard words[3] == UInt64(words.count - headerWords - 1) else {
            throw .corrupted("payload length \(words[3]) does not match the file size")
        }
        guard let stored = words.last, WordHash.fnv1a(words.dropLast()) == stored else { throw .corrupted("checksum mismatch") }
        guard words[1] == binding.parameterHash else {
            throw .otherPlan(what: "set of CKKS parameters", expected: binding.parameterHash, found: words[1])
        }
        guard words[2] == binding.planHash else { throw .otherPlan(what: "plan", expected: binding.planHash, found: words[2]) }
        // The payload in place (no second copy of a file that may hold hundreds of MiB of keys).
        words.removeLast()
        words.removeFirst(headerWords)
        return (version, words)
    }
}

/// Sequential reads from an artifact payload with bounds checks.
struct ArtifactReader {
    let words: [UInt64]
    var position = 0

    mutating func next(_ what: String) throws(InferenceError) -> UInt64 {
        guard position < words.count else { throw .corrupted("payload ends before \(what)") }
        defer { position += 1 }
        return words[position]
    }

    mutating func int(_ what: String, in range: ClosedRange<Int>) throws(InferenceError) -> Int {
        let value = try next(what)
        guard value <= UInt64(Int.max), range.contains(Int(value)) else {
            throw .corrupted("\(what) = \(value) out of range \(range)")
        }
        return Int(value)
    }

    mutating func words(_ count: Int, _ what: String) throws(InferenceError) -> ArraySlice<UInt64> {
        guard count >= 0, words.count - position >= count else { throw .corrupted("payload ends inside \(what)") }
        defer { position += count }
        return words[position..<(position + count)]
    }

    /// A nested CKKS object: its length in bytes, then its bytes (a whole number of words).
    mutating func object(_ what: String) throws(InferenceError) -> [UInt8] {
        let byteCount = try int("\(what) length", in: 0...(8 * (words.count - position)))
        guard byteCount % 8 == 0 else { throw .corrupted("\(what) length \(byteCount) is not a whole number of words") }
        return WordBytes.bytes(of: try self.words(byteCount / 8, what))
    }

    func finish() throws(InferenceError) {
        guard position == words.count else { throw .corrupted("\(words.count - position) trailing words") }
    }
}

extension Array where Element == UInt64 {
    /// Appends a nested CKKS object (length in bytes, then its words).
    mutating func appendObject(_ bytes: [UInt8]) {
        append(UInt64(bytes.count))
        append(contentsOf: WordBytes.words(of: bytes))
    }
}

/// 64-bit FNV-1a over words (the CKKS layer's container checksum).
enum WordHash {
    static func fnv1a<C: Collection>(_ words: C) -> UInt64 where C.Element == UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for word in words { hash = (hash ^ word) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    static func fnv1a(bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
