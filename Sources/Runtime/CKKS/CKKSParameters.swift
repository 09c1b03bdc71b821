internal import HepexcSecurity
import HepexcModArith

/// Validated, immutable CKKS parameters.
///
/// Built from a `Literal` (lattigo style): `try CKKSParameters(literal)` checks the
/// ring degree, generates the NTT-friendly primes deterministically (largest first,
/// `q ≡ 1 mod 2N`), lays out the key-switching digits and enforces 128-bit security
/// against the HE standard (ternary secret) unless the literal is explicitly insecure.
public struct CKKSParameters: Sendable, Hashable, CustomStringConvertible {
    /// The user-facing description of a parameter set.
    public struct Literal: Codable, Sendable, Hashable {
        /// log2 of the ring degree N (10…16; insecure presets may go lower).
        public var logN: Int
        /// Bit sizes of the ciphertext primes q_0 … q_{L−1} (q_0 first, rescaling drops from the end).
        public var logQ: [Int]
        /// Bit sizes of the special primes P used only by key switching; empty = choose automatically.
        public var logP: [Int]
        /// log2 of the default encoding scale.
        public var logScale: Int
        /// Number of key-switching digits; `nil` = the cheapest layout that fits the security bound.
        public var digits: Int?
        /// Allow parameters below 128-bit security (tests only).
        public var insecure: Bool

        public init(logN: Int, logQ: [Int], logP: [Int] = [], logScale: Int, digits: Int? = nil,
                    insecure: Bool = false) {
            self.logN = logN; self.logQ = logQ; self.logP = logP
            self.logScale = logScale; self.digits = digits; self.insecure = insecure
        }
    }

    /// Maximum log2(QP) for 128-bit classical security, indexed by log2(N):
    /// ``SecurityStandard/maxLogQP128``, the one table.
    public static var maxLogQP: [Int: Int] { SecurityStandard.maxLogQP128 }

    /// The literal this value was built from (with `logP` and `digits` filled in).
    public let literal: Literal
    /// The ring degree N.
    public let degree: Int
    /// The ciphertext primes q_0 … q_{L−1}.
    public let ciphertextModuli: [UInt64]
    /// The special primes p_0 … p_{K−1}.
    public let specialModuli: [UInt64]
    /// Number of key-switching digits (dnum).
    public let digitCount: Int
    /// Ciphertext primes per digit (α); the last digit may be shorter.
    public let digitSize: Int

    /// log2(N).
    public var logN: Int { literal.logN }
    /// Number of complex slots, N/2.
    public var slotCount: Int { degree / 2 }
    /// The highest level (L − 1): a fresh ciphertext has `maxLevel + 1` limbs.
    public var maxLevel: Int { ciphertextModuli.count - 1 }
    /// The default encoding scale 2^logScale.
    public var defaultScale: Double { Double(sign: .plus, exponent: literal.logScale, significand: 1) }
    /// Total bit count of Q·P.
    public var logQP: Int { literal.logQ.reduce(0, +) + literal.logP.reduce(0, +) }
    /// The ciphertext primes of digit `j` at the top level.
    public func digitRange(_ j: Int) -> Range<Int> {
        (j * digitSize)..<min((j + 1) * digitSize, ciphertextModuli.count)
    }

    /// Validates a literal.
    /// - Throws: `HEError.invalidParameters` or `HEError.insecureParameters`.
    public init(_ literal: Literal) throws {
        var literal = literal
        let logN = literal.logN
        let secure = !literal.insecure
        guard (secure ? 10...16 : 2...16).contains(logN) else {
            throw HEError.invalidParameters("logN must be in \(secure ? "10…16" : "2…16"), got \(logN)")
        }
        guard !literal.logQ.isEmpty else { throw HEError.invalidParameters("logQ is empty") }
        let degree = 1 << logN
        let minBits = logN + 2
        for bits in literal.logQ + literal.logP where bits < minBits || bits > 60 {
            throw HEError.invalidParameters("prime sizes must be in \(minBits)…60 bits for N = 2^\(logN), got \(bits)")
        }
        guard literal.logScale >= 1, literal.logScale < literal.logQ[0] + 60 else {
            throw HEError.invalidParameters("logScale \(literal.logScale) is out of range")
        }
        let budget = secure ? (CKKSParameters.maxLogQP[logN] ?? 0) : Int.max
        let logQ = literal.logQ.reduce(0, +)
        let L = literal.logQ.count

        func maxDigitBits(_ alpha: Int) -> Int {
            stride(from: 0, to: L, by: alpha).map { literal.logQ[$0..<min($0 + alpha, L)].reduce(0, +) }.max()!
        }
        // Key-switching layout.
        if literal.logP.isEmpty {
            if let digits = literal.digits {
                guard (1...L).contains(digits) else { throw HEError.invalidParameters("digits must be in 1…\(L)") }
                let alpha = (L + digits - 1) / digits
                literal.logP = Array(repeating: 60, count: (maxDigitBits(alpha) + 59) / 60)
            } else {
                // Cheapest layout (cost model in units of N modular multiplications) that fits.
                var best: (cost: Double, digits: Int, k: Int)?
                for digits in 1...L {
                    let alpha = (L + digits - 1) / digits
                    let dnum = (L + alpha - 1) / alpha
                    let k = (maxDigitBits(alpha) + 59) / 60
                    guard logQ + 60 * k <= budget else { continue }
                    let c = Double(logN) / 2  // butterflies per coefficient of one limb NTT
                    let cost = Double(L) * c + Double(dnum) * Double(L + k - alpha) * (c + Double(alpha))
                        + 2 * Double(dnum * (L + k)) + 2 * (Double(k) * c + Double(L) * (c + Double(k) + 1))
                    if best == nil || cost < best!.cost { best = (cost, dnum, k) }
                }
                guard let chosen = best else {
                    throw HEError.insecureParameters(logN: logN, logQP: logQ + 60, maxLogQP: budget)
                }
                literal.digits = chosen.digits
                literal.logP = Array(repeating: 60, count: chosen.k)
            }
        }
        let logP = literal.logP.reduce(0, +)
        if literal.digits == nil {
            // The widest digits whose bit size the special modulus P covers.
            var alpha = 1
            while alpha < L && maxDigitBits(alpha + 1) <= logP { alpha += 1 }
            literal.digits = (L + alpha - 1) / alpha
        }
        let digits = literal.digits!
        guard (1...L).contains(digits) else { throw HEError.invalidParameters("digits must be in 1…\(L), got \(digits)") }
        let alpha = (L + digits - 1) / digits
        guard maxDigitBits(alpha) <= logP else {
            throw HEError.invalidParameters("a key-switching digit of \(maxDigitBits(alpha)) bits exceeds the "
                + "\(logP)-bit special modulus P; add special primes or use more digits")
        }
        if secure, logQ + logP > budget {
            throw HEError.insecureParameters(logN: logN, logQP: logQ + logP, maxLogQP: budget)
        }
        // Primes: per bit size, the largest unused ones, in the order the literal lists them.
        var used = Set<UInt64>()
        var generated: [Int: [UInt64]] = [:]
        func take(_ bits: Int) throws -> UInt64 {
            if generated[bits, default: []].isEmpty {
                let needed = (literal.logQ + literal.logP).filter { $0 == bits }.count
                guard let primes = Modulus.nttPrimes(bitWidth: bits, count: needed, degree: degree, excluding: used) else {
                    throw HEError.invalidParameters("not enough \(bits)-bit primes ≡ 1 mod \(2 * degree)")
                }
                generated[bits] = primes.reversed()
            }
            guard let p = generated[bits]?.popLast() else {
                throw HEError.invalidParameters("not enough \(bits)-bit primes ≡ 1 mod \(2 * degree)")
            }
            used.insert(p)
            return p
        }
        self.ciphertextModuli = try literal.logQ.map(take)
        self.specialModuli = try literal.logP.map(take)
        self.literal = literal
        self.degree = degree
        self.digitCount = (L + alpha - 1) / alpha
        self.digitSize = alpha
    }

    public var description: String {
        "CKKS(N=2^\(logN), logQ=\(literal.logQ), logP=\(literal.logP), logScale=\(literal.logScale), "
            + "digits=\(digitCount)\(literal.insecure ? ", INSECURE" : ""))"
    }
}
