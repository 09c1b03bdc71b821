import HepexcRing

/// The payload of one key-switching key inside "HXRK", "HXGK" and "HXEN" objects.
///
/// - Format version 1 (every file written before level-trimmed keys, and still written when
///   every key is full): `digitCount`, then `2 · digitCount · (L + K) · N` residues — a key
///   for the top level.
/// - Format version 2: `level`, `digitCount`, then `2 · digitCount · (level + 1 + K) · N`
///   residues, laid out as ``KeySwitchKey`` describes over q_0 … q_level, p_0 … p_{K−1}.
extension KeySwitchKey {
    /// The container versions key objects are read in.
    static let formatVersions: ClosedRange<UInt16> = 1...2

    /// The version a set of keys is written as: the oldest that holds them (1 when all are full).
    static func formatVersion(_ keys: [KeySwitchKey], context: CKKSContext) -> UInt16 {
        keys.allSatisfy { $0.level == context.parameters.maxLevel } ? 1 : 2
    }

    func payload(version: UInt16 = 1) -> [UInt64] {
        (version >= 2 ? [UInt64(level), UInt64(digitCount)] : [UInt64(digitCount)]) + data
    }

    /// Reads one key of format `version`, checking its level, digit count, size and that
    /// every residue is reduced modulo its limb's prime.
    static func read(_ r: inout PayloadReader, context: CKKSContext, version: UInt16 = 1) throws -> KeySwitchKey {
        let params = context.parameters
        let level = version >= 2 ? try r.int("key level", in: 0...params.maxLevel) : params.maxLevel
        let expected = digitCount(atLevel: level, parameters: params)
        let digits = try r.int("digit count", in: expected...expected)
        let L = params.ciphertextModuli.count
        let moduli = Array(context.keyRing.moduli[0...level]) + Array(context.keyRing.moduli[L...])
        let n = params.degree
        let data = Array(try r.words(2 * digits * moduli.count * n, "key-switching key"))
        let perLimb = 2 * digits * n
        for (limb, q) in moduli.enumerated() {
            for i in (limb * perLimb)..<((limb + 1) * perLimb) where data[i] >= q.value {
                throw HEError.corruptedData("key-switching key: residue not reduced modulo limb \(limb)")
            }
        }
        return KeySwitchKey(digitCount: digits, limbCount: moduli.count, degree: n, level: level, data: data,
                            parameterHash: context.hash)
    }
}
