extension CKKSParameters.Literal {
    /// N = 2^13, Q = [60, 40, 40] + P = [60] (200 bits ≤ 218): depth 2, SEAL layout.
    public static let logN13LogQP200 = Self(logN: 13, logQ: [60, 40, 40], logP: [60], logScale: 40)
    /// N = 2^14, Q = [60, 40×6] + P = [60] (360 bits ≤ 438): depth 6, SEAL layout.
    public static let logN14LogQP360 = Self(logN: 14, logQ: [60] + Array(repeating: 40, count: 6), logP: [60], logScale: 40)
    /// N = 2^14, Q = [60, 40×7], key-switching layout chosen automatically (≤ 438 bits).
    public static let logN14Auto = Self(logN: 14, logQ: [60] + Array(repeating: 40, count: 7), logScale: 40)
    /// N = 2^15, Q = [60, 40×19] + P = [60] (880 bits ≤ 881): depth 19, SEAL layout.
    public static let logN15LogQP880 = Self(logN: 15, logQ: [60] + Array(repeating: 40, count: 19), logP: [60], logScale: 40)
    /// N = 2^15, Q = [60, 40×13], hybrid key switching chosen automatically (≤ 881 bits).
    public static let logN15Auto = Self(logN: 15, logQ: [60] + Array(repeating: 40, count: 13), logScale: 40)
    /// N = 2^16, Q = [60, 40×40] + P = [60] (1720 bits ≤ 1747): depth 40, SEAL layout.
    public static let logN16LogQP1720 = Self(logN: 16, logQ: [60] + Array(repeating: 40, count: 40), logP: [60], logScale: 40)

    /// INSECURE (tests only): N = 2^10, Q = [60, 40, 40], P = [60].
    public static let insecureN1024 = Self(logN: 10, logQ: [60, 40, 40], logP: [60], logScale: 40, insecure: true)
    /// INSECURE (tests only): N = 2^11, Q = [60, 40×4], P = [60, 60], three digits of ≤ 2 primes (hybrid).
    public static let insecureN2048Hybrid = Self(logN: 11, logQ: [60, 40, 40, 40, 40], logP: [60, 60], logScale: 40,
                                                 digits: 3, insecure: true)
    /// INSECURE (tests only): N = 2^12, Q = [60, 40, 40, 40], P = [60].
    public static let insecureN4096 = Self(logN: 12, logQ: [60, 40, 40, 40], logP: [60], logScale: 40, insecure: true)
    /// INSECURE (tests only): N = 2^4, Q = [40, 30], P = [40], tiny enough to check by hand.
    public static let insecureN16 = Self(logN: 4, logQ: [40, 30], logP: [40], logScale: 25, insecure: true)
}
