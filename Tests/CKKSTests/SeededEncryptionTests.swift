import Testing
@testable import HepexcCKKS
import HepexcModArith
import HepexcRing

/// Seeded symmetric ciphertexts: `a` expanded from a 256-bit seed, stored as `c_0` and the seed.
@Suite("Seeded ciphertexts")
struct SeededEncryptionTests {
    /// `a` from the seed by the documented rule, written out independently: the test's scalar
    /// ChaCha20 (RFC 8439 block function) keyed by the seed words, bits taken least significant
    /// first, `bitWidth(q_i)` bits per try, rejection at `q_i`, limb after limb.
    static func referenceExpansion(_ seed: [UInt64], _ ring: RingContext) -> [UInt64] {
        let key = seed.flatMap { [UInt32(truncatingIfNeeded: $0), UInt32(truncatingIfNeeded: $0 >> 32)] }
        var bits: [Bool] = []
        var counter: UInt64 = 0
        var position = 0
        func take(_ count: Int) -> UInt64 {
            while bits.count - position < count {
                for word in RandomnessTests.chachaBlock(key: key, counter: counter) { bits += (0..<64).map { word >> $0 & 1 == 1 } }
                counter += 1
            }
            defer { position += count }
            return (0..<count).reduce(UInt64(0)) { $0 | (bits[position + $1] ? 1 : 0) << UInt64($1) }
        }
        var out: [UInt64] = []
        for q in ring.moduli {
            var k = 0
            while k < ring.degree {
                let x = take(q.bitWidth)
                if x < q.value { out.append(x); k += 1 }
            }
        }
        return out
    }

    @Test("Expansion follows the documented rule (N = 16, primes of 40 and 30 bits)")
    func expansionKnownAnswer() throws {
        let context = CKKSContext(parameters: try CKKSParameters(.insecureN16), threads: 1)
        let ring = context.levels[context.parameters.maxLevel]
        let words: [UInt64] = [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, 7, 0xDEAD_BEEF]
        let seed = try #require(CiphertextSeed(words: words))
        #expect(seed.expand(ring).data == Self.referenceExpansion(words, ring))
        #expect(CiphertextSeed(words: [1, 2, 3]) == nil)
    }

    @Test("A seeded ciphertext decrypts to its message; the server's expansion is the client's a")
    func seededRoundTrip() throws {
        var fixture = try Fixture(.insecureN1024)
        var encryptor = try Encryptor(context: fixture.context, secretKey: fixture.keygen.secretKey, seed: 9)
        var values = TestValues(seed: 4)
        let message = values.vector(fixture.context.parameters.slotCount)
        for level in [fixture.context.parameters.maxLevel, 1] {
            let (ciphertext, seed) = try encryptor.encryptSeeded(message, encoder: fixture.encoder, level: level)
            #expect(ciphertext.polys[1].data == seed.expand(ciphertext.polys[1].context).data)
            #expect(precisionBits(fixture.decrypt(ciphertext), message) > 20)
            let seeded = ciphertext.serialized(seed: seed, context: fixture.context)
            let whole = ciphertext.serialized(context: fixture.context)
            #expect(seeded.count == 8 * (3 + 2 + 4 + (level + 1) * 1024 + 1))
            #expect(Double(seeded.count) < 0.51 * Double(whole.count))
            let (loaded, loadedSeed) = try Ciphertext.deserializeSeeded(seeded, context: fixture.context)
            #expect(loadedSeed == seed && loaded.scale == ciphertext.scale && loaded.level == level)
            #expect(loaded.polys.map(\.data) == ciphertext.polys.map(\.data))
            #expect(precisionBits(fixture.decrypt(loaded), message) > 20)
        }
        // Two encryptions of one message draw different seeds (fresh a).
        let first = try encryptor.encryptSeeded(message, encoder: fixture.encoder).seed
        #expect(try encryptor.encryptSeeded(message, encoder: fixture.encoder).seed != first)
        // Public-key encryption cannot be seeded.
        #expect(throws: HEError.seededEncryptionNeedsSecretKey) {
            _ = try fixture.encryptor.encryptSeeded(message, encoder: fixture.encoder)
        }
    }

    @Test("Hostile seeded files: truncated seed, short or long c0, unreduced residue, wrong kind")
    func hostile() throws {
        let fixture = try Fixture(.insecureN1024)
        let hash = fixture.context.parameters.parameterHash
        let scale = 0x1p40.bitPattern
        func refused(_ payload: [UInt64], _ fragment: String) {
            let bytes = Container.encode(.seededCiphertext, parameterHash: hash, payload: payload)
            do {
                _ = try Ciphertext.deserializeSeeded(bytes, context: fixture.context)
                Issue.record("accepted: \(fragment)")
            } catch let error as HEError {
                #expect(error.description.contains(fragment), "\(error)")
            } catch { Issue.record("\(error)") }
        }
        refused([0, scale, 1, 2], "seed word 2")
        refused([0, scale], "seed word 0")
        refused([0, scale, 1, 2, 3, 4] + [UInt64](repeating: 5, count: 1000), "payload ends inside seeded ciphertext c0")
        refused([0, scale, 1, 2, 3, 4] + [UInt64](repeating: 5, count: 1025), "1 trailing words")
        refused([0, scale, 1, 2, 3, 4] + [UInt64](repeating: UInt64.max, count: 1024), "not reduced")
        refused([9, scale, 1, 2, 3, 4], "level")
        refused([0, (-1.0).bitPattern, 1, 2, 3, 4], "scale")
        var fixture2 = fixture
        let whole = try fixture2.encrypt([1, 2]).serialized(context: fixture.context)
        #expect(throws: HEError.wrongObjectKind(expected: "HXSC", found: "HXCT")) {
            _ = try Ciphertext.deserializeSeeded(whole, context: fixture.context)
        }
    }
}
