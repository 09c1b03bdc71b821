extension CKKSParameters {
    /// A stable 64-bit hash of everything that defines the ring and the key layout
    /// (FNV-1a over the literal's fields and the generated primes). Serialized objects
    /// carry it so that loading under other parameters is an error.
    public var parameterHash: UInt64 {
        var words: [UInt64] = [UInt64(logN), UInt64(literal.logScale), UInt64(digitCount), literal.insecure ? 1 : 0,
                               UInt64(ciphertextModuli.count), UInt64(specialModuli.count)]
        words += ciphertextModuli + specialModuli
        return FNV1a.hash(words)
    }
}

/// 64-bit FNV-1a, over bytes or (for speed on large payloads) over 64-bit words.
enum FNV1a {
    static let offset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    static func hash<C: Collection>(_ words: C) -> UInt64 where C.Element == UInt64 {
        var h = offset
        for w in words { h = (h ^ w) &* prime }
        return h
    }
}
