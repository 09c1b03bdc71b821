import Testing
@testable import HepexcCKKS
import HepexcRing

/// ChaCha20 at every kernel level this CPU runs (`CHepexcVector` AVX2 / AVX-512 blocks, the Swift
/// block function at `scalar`): RFC 8439 and OpenSSL known answers, and the same stream as the
/// test's own scalar block function across refills and the 2^32 counter carry.
@Suite("ChaCha20 kernels")
struct ChaChaKernelTests {
    static func stream(_ level: VectorISA, _ make: () -> SecureRandom, counter: UInt64 = 0, words: Int) -> [UInt64] {
        VectorISA.$override.withValue(level) {
            var rng = make()
            #expect(rng.level == min(level, VectorISA.supported))
            rng.counter = counter
            return (0..<words).map { _ in rng.next() }
        }
    }

    @Test("RFC 8439 A.1 test vectors #1–#3 and an OpenSSL keystream, at every level", arguments: VectorISA.runnable)
    func knownAnswers(_ level: VectorISA) {
        // A.1 #1 and #2: zero key, counters 0 and 1 (first 8 bytes of each block).
        let zero = Self.stream(level, { SecureRandom(zeroKeyForTesting: ()) }, words: 16)
        #expect(zero[0] == 0x903D_F1A0_ADE0_B876 && zero[8] == 0x7A38_5155_BEE7_079F)
        // A.1 #3: key …00 01, counter 1: 3a eb 52 24 ec f8 49 92 9b 9d 82 8d b1 ce d4 dd.
        let three = Self.stream(level, { SecureRandom(keyWords: [0, 0, 0, 1 << 56]) }, counter: 1, words: 2)
        #expect(three == [0x9249_F8EC_2452_EB3A, 0xDDD4_CEB1_8D82_9D9B])
        // Key bytes 00 01 … 1f, counter 5 (OpenSSL via Python `cryptography` 48): words 0, 1 and 8.
        let key: [UInt64] = [0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908, 0x1716_1514_1312_1110, 0x1F1E_1D1C_1B1A_1918]
        let openssl = Self.stream(level, { SecureRandom(keyWords: key) }, counter: 5, words: 9)
        #expect(openssl[0] == 0x3C29_90FA_A5FF_E70B && openssl[1] == 0xD141_972A_9DB1_A7ED && openssl[8] == 0x5928_54A3_D8AD_1DFE)
    }

    @Test("Every level gives the scalar block function's stream (refills, counter carry)", arguments: VectorISA.runnable)
    func sameStream(_ level: VectorISA) {
        let key: [UInt32] = [0x9ABC_DEF0, 0x1234_5678, 0, 0, 0, 0, 0, 0x7465_7374]
        for start in [UInt64(0), 0xFFFF_FFF5] {
            var expected: [UInt64] = []
            for counter in start..<(start + 40) { expected += RandomnessTests.chachaBlock(key: key, counter: counter) }
            #expect(Self.stream(level, { SecureRandom(seed: 0x1234_5678_9ABC_DEF0) }, counter: start, words: expected.count) == expected)
        }
    }
}
