public import Foundation

/// The `.hepx` container:
///
/// | bytes | content |
/// |---|---|
/// | 8 | magic `HEPXPLAN` |
/// | 4 | format version, little-endian UInt32 |
/// | 8 | payload length n, little-endian UInt64 |
/// | n | payload: the plan as UTF-8 JSON (keys sorted) |
/// | 8 | FNV-1a-64 checksum of the payload, little-endian |
///
/// See docs/plan-format.md for the payload's fields.
extension Plan {
    static let magic = Array("HEPXPLAN".utf8)

    /// The plan file's bytes.
    public func serialized() throws -> Data {
        let payload: [UInt8]
        do { payload = try jsonPayload() } catch { throw PlanError.invalid("cannot encode: \(error)") }
        var data = Data(Self.magic)
        Self.append(UInt32(writtenVersion), to: &data)
        Self.append(UInt64(payload.count), to: &data)
        data.append(contentsOf: payload)
        Self.append(Self.checksum(payload), to: &data)
        return data
    }

    /// Reads and validates a plan file's bytes.
    /// - Throws: `PlanError` for a wrong magic, version, length, checksum or content.
    public init(serialized data: Data) throws(PlanError) {
        let bytes = [UInt8](data)
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else {
            throw .malformed(bytes.count < 8 ? "the file is too short" : "wrong magic (not a .hepx plan)")
        }
        let version = Int(Self.read(UInt32.self, bytes, at: 8))
        guard (1...Self.formatVersion).contains(version) else { throw .unsupportedVersion(found: version, supported: Self.formatVersion) }
        let length = Self.read(UInt64.self, bytes, at: 12)
        guard length <= UInt64(bytes.count), Int(length) == bytes.count - 28 else {
            throw .malformed("payload length \(length) does not match the file size \(bytes.count)")
        }
        let payload = Data(bytes[20..<(20 + Int(length))])
        guard Self.read(UInt64.self, bytes, at: 20 + Int(length)) == Self.checksum(payload) else { throw .checksumMismatch }
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: payload)
        } catch {
            throw .malformed("payload does not decode: \(error)")
        }
        try plan.validate()
        guard plan.writtenVersion < 5 || version >= 5 else {
            throw .malformed("a version-\(version) plan cannot hold row-diagonal layers (version 5)")
        }
        guard !plan.bootstraps || version >= plan.writtenVersion else {
            throw .malformed("a version-\(version) plan cannot hold bootstrap steps (version \(plan.writtenVersion))")
        }
        self = plan
    }

    static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + index]) << (8 * index) }
        return value
    }

    /// FNV-1a, 64 bits.
    static func checksum(_ data: Data) -> UInt64 { checksum([UInt8](data)) }

    /// FNV-1a, 64 bits, over an array (faster than `Data`'s byte iterator).
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
