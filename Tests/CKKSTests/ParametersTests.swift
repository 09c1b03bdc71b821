import Testing
import HepexcCKKS

@Suite("CKKS parameters")
struct ParametersTests {
    @Test("Secure presets validate and generate distinct NTT-friendly primes")
    func presets() throws {
        for literal in [CKKSParameters.Literal.logN13LogQP200, .logN14LogQP360, .logN15LogQP880, .logN16LogQP1720] {
            let p = try CKKSParameters(literal)
            let all = p.ciphertextModuli + p.specialModuli
            #expect(Set(all).count == all.count)
            #expect(all.allSatisfy { $0 % UInt64(2 * p.degree) == 1 })
            #expect(p.digitCount == p.ciphertextModuli.count)  // SEAL layout: one digit per limb
            #expect(p.logQP <= CKKSParameters.maxLogQP[p.logN]!)
        }
    }

    @Test("Security bound is enforced")
    func security() {
        let tooBig = CKKSParameters.Literal(logN: 13, logQ: [60, 60, 60], logP: [60], logScale: 40)
        #expect(throws: HEError.insecureParameters(logN: 13, logQP: 240, maxLogQP: 218)) { try CKKSParameters(tooBig) }
        let small = CKKSParameters.Literal(logN: 8, logQ: [30], logP: [30], logScale: 20)
        #expect(throws: HEError.self) { try CKKSParameters(small) }
        var insecure = small
        insecure.insecure = true
        #expect(throws: Never.self) { try CKKSParameters(insecure) }
    }

    @Test("Automatic layout picks fewer digits when the budget allows, SEAL layout when it does not")
    func automaticLayout() throws {
        let hybrid = try CKKSParameters(.logN15Auto)
        #expect(hybrid.digitCount < hybrid.ciphertextModuli.count)
        #expect(hybrid.logQP <= 881)
        let full = try CKKSParameters(.init(logN: 15, logQ: [60] + Array(repeating: 40, count: 19), logScale: 40))
        #expect(full.digitCount == 20 && full.specialModuli.count == 1)
    }

    @Test("Digits wider than P are rejected with a reason")
    func digitsTooWide() {
        let literal = CKKSParameters.Literal(logN: 12, logQ: [40, 40, 40], logP: [40], logScale: 30, digits: 1, insecure: true)
        #expect(throws: HEError.self) { try CKKSParameters(literal) }
    }

    @Test("Parameter hash is stable and distinguishes parameter sets")
    func hash() throws {
        let a = try CKKSParameters(.insecureN1024), b = try CKKSParameters(.insecureN1024)
        let c = try CKKSParameters(.insecureN4096)
        #expect(a.parameterHash == b.parameterHash && a.parameterHash != c.parameterHash)
    }
}

@Suite("Randomness")
struct RandomnessTests {
    @Test("ChaCha20 matches the RFC 8439 A.1 test vector")
    func chachaZeroKey() {
        // RFC 8439 Appendix A.1 test vector #1: all-zero key, nonce and counter 0; the first
        // 8 output bytes are 76 b8 e0 ad a0 f1 3d 90.
        var rng = SecureRandom(zeroKeyForTesting: ())
        #expect(rng.next() == 0x903D_F1A0_ADE0_B876)
        // Test vector #2: block counter 1 starts 9f 07 e7 be 55 51 38 7a.
        for _ in 1..<8 { _ = rng.next() }
        #expect(rng.next() == 0x7A38_5155_BEE7_079F)
    }

    @Test("The eight-lane ChaCha20 gives the one-block-at-a-time stream")
    func chachaLanesMatchTheScalarBlockFunction() {
        var rng = SecureRandom(seed: 0x1234_5678_9ABC_DEF0)
        let key: [UInt32] = [0x9ABC_DEF0, 0x1234_5678, 0, 0, 0, 0, 0, 0x7465_7374]
        var expected: [UInt64] = []
        for counter in 0..<UInt64(20) { expected += Self.chachaBlock(key: key, counter: counter) }
        #expect((0..<expected.count).map { _ in rng.next() } == expected)
    }

    /// RFC 8439 §2.3 block function, scalar, as 8 little-endian words of 64 bits.
    static func chachaBlock(key: [UInt32], counter: UInt64) -> [UInt64] {
        let initial: [UInt32] = [0x6170_7865, 0x3320_646E, 0x7962_2D32, 0x6B20_6574] + key
            + [UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 0]
        var x = initial
        func rotl(_ v: UInt32, _ n: UInt32) -> UInt32 { (v << n) | (v >> (32 - n)) }
        func quarter(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
            x[a] &+= x[b]; x[d] = rotl(x[d] ^ x[a], 16)
            x[c] &+= x[d]; x[b] = rotl(x[b] ^ x[c], 12)
            x[a] &+= x[b]; x[d] = rotl(x[d] ^ x[a], 8)
            x[c] &+= x[d]; x[b] = rotl(x[b] ^ x[c], 7)
        }
        for _ in 0..<10 {
            quarter(0, 4, 8, 12); quarter(1, 5, 9, 13); quarter(2, 6, 10, 14); quarter(3, 7, 11, 15)
            quarter(0, 5, 10, 15); quarter(1, 6, 11, 12); quarter(2, 7, 8, 13); quarter(3, 4, 9, 14)
        }
        let out = zip(x, initial).map { $0 &+ $1 }
        return (0..<8).map { UInt64(out[2 * $0]) | UInt64(out[2 * $0 + 1]) << 32 }
    }

    @Test("Seeded streams repeat; system-keyed streams differ")
    func streams() {
        var a = SecureRandom(seed: 5), b = SecureRandom(seed: 5), c = SecureRandom(), d = SecureRandom()
        #expect((0..<20).map { _ in a.next() } == (0..<20).map { _ in b.next() })
        #expect((0..<4).map { _ in c.next() } != (0..<4).map { _ in d.next() })
    }
}
