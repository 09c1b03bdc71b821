/// Level-trimmed key-switching keys (issue 17, evaluation-key memory).
///
/// A key switch at level ℓ reads only the key's limbs q_0 … q_ℓ, p_0 … p_{K−1} and its digits
/// that cover q_0 … q_ℓ. A key used only up to level ℓ therefore needs only those: in the
/// one-digit-per-limb layout its size drops from (L)·(L + K) to (ℓ + 1)·(ℓ + 1 + K)
/// limb-polynomials per half. The residues kept are exactly those of the full key, so a key
/// switch with a trimmed key is bit for bit the one with the full key.
extension KeySwitchKey {
    /// Digits a key switch at `level` uses: those of the top-level layout that meet q_0 … q_level.
    public static func digitCount(atLevel level: Int, parameters: CKKSParameters) -> Int {
        let alpha = max(parameters.digitSize, 1)
        return min(parameters.digitCount, (level + 1 + alpha - 1) / alpha)
    }

    /// Bytes of a key for ciphertexts up to `level` under `parameters`.
    public static func byteCount(atLevel level: Int, parameters: CKKSParameters) -> Int {
        let limbs = level + 1 + parameters.specialModuli.count
        return 2 * digitCount(atLevel: level, parameters: parameters) * limbs * parameters.degree * 8
    }

    /// This key restricted to ciphertexts up to `level`: the same residues for every limb and
    /// digit kept.
    /// - Throws: `keyLevelTooLow` when `level` lies above this key's own level;
    ///   `invalidLevel` for a negative level.
    public func trimmed(toLevel level: Int, parameters: CKKSParameters) throws -> KeySwitchKey {
        guard level >= 0 else { throw HEError.invalidLevel(requested: level, current: self.level) }
        guard level <= self.level else {
            throw HEError.keyLevelTooLow(operation: "trimming a key", keyLevel: self.level, ciphertextLevel: level)
        }
        if level == self.level { return self }
        let specials = limbCount - (self.level + 1)
        let keep = Array(0...level) + Array((self.level + 1)..<limbCount)
        let digits = Self.digitCount(atLevel: level, parameters: parameters)
        let layout = KeySwitchKey(digitCount: digits, limbCount: level + 1 + specials, degree: degree, level: level,
                                  data: [], parameterHash: parameterHash)
        var out = [UInt64](repeating: 0, count: 2 * digits * layout.limbCount * degree)
        let block = blockSize
        for (position, limb) in keep.enumerated() {
            for start in stride(from: 0, to: degree, by: block) {
                for j in 0..<digits {
                    let from = index(limb: limb, coefficient: start, digit: j)
                    let to = layout.index(limb: position, coefficient: start, digit: j)
                    out[to..<(to + 2 * block)] = data[from..<(from + 2 * block)]
                }
            }
        }
        return KeySwitchKey(digitCount: digits, limbCount: layout.limbCount, degree: degree, level: level,
                            data: out, parameterHash: parameterHash)
    }
}

extension GaloisKeys {
    /// The highest ciphertext level each Galois element's key switches.
    public var levels: [Int: Int] { keys.mapValues(\.level) }
}
