@testable import HepexcCKKS
import HepexcRing
import Testing

/// Level-trimmed key-switching keys (issue 17): a key kept only up to level ℓ switches
/// ciphertexts at ℓ and below exactly as the full key does, is refused above ℓ, is smaller,
/// and round-trips through its (versioned) file format while full-key files keep version 1.
@Suite struct TrimmedKeyTests {
    /// Hybrid (three digits of ≤ 2 primes, K = 2) and SEAL-style (one digit per limb, K = 1).
    static let layouts: [CKKSParameters.Literal] = [.insecureN2048Hybrid, .insecureN4096]

    @Test("Known answer: a trimmed key rotates and relinearizes bit for bit like the full key", arguments: layouts)
    func trimmedEqualsFull(_ literal: CKKSParameters.Literal) throws {
        var f = try Fixture(literal, steps: [1, 5])
        let params = f.context.parameters
        var values = TestValues(seed: 3)
        for keyLevel in 0...params.maxLevel {
            let galois = try GaloisKeys(keys: f.evaluator.galoisKeys?.keys.mapValues {
                try $0.trimmed(toLevel: keyLevel, parameters: params)
            } ?? [:])
            let relin = try f.evaluator.relinearizationKey.map {
                RelinearizationKey(key: try $0.key.trimmed(toLevel: keyLevel, parameters: params))
            }
            let trimmed = try Evaluator(context: f.context, relinearizationKey: relin, galoisKeys: galois)
            #expect(galois.keys.values.allSatisfy { $0.level == keyLevel })
            #expect(galois.keys.values.allSatisfy { $0.byteCount == KeySwitchKey.byteCount(atLevel: keyLevel, parameters: params) })
            for level in 0...keyLevel {
                let x = try f.encrypt(values.vector(params.slotCount), level: level)
                let y = try f.encrypt(values.vector(params.slotCount), level: level)
                #expect(try trimmed.rotate(x, by: 1).polys == f.evaluator.rotate(x, by: 1).polys)
                #expect(try trimmed.conjugate(x).polys == f.evaluator.conjugate(x).polys)
                let hoisted = try trimmed.rotateHoisted(x, by: [1, 5]), full = try f.evaluator.rotateHoisted(x, by: [1, 5])
                #expect(hoisted[1]?.polys == full[1]?.polys && hoisted[5]?.polys == full[5]?.polys)
                #expect(try trimmed.multiplyRelinearize(x, y).polys == f.evaluator.multiplyRelinearize(x, y).polys)
                let tensor = try f.evaluator.multiply(x, y)
                #expect(try trimmed.relinearize(tensor).polys == f.evaluator.relinearize(tensor).polys)
            }
        }
    }

    @Test("Generated trimmed keys rotate correctly at every level up to theirs, and are smaller", arguments: layouts)
    func generatedTrimmedKeys(_ literal: CKKSParameters.Literal) throws {
        var f = try Fixture(literal, steps: [1])
        let params = f.context.parameters
        var values = TestValues(seed: 5)
        let full = KeySwitchKey.byteCount(atLevel: params.maxLevel, parameters: params)
        for keyLevel in 0..<params.maxLevel {
            let galois = f.keygen.galoisKeys(stepLevels: [3: keyLevel, -2: params.maxLevel], conjugationLevel: keyLevel)
            let relin = f.keygen.relinearizationKey(level: keyLevel)
            let n = params.degree
            #expect(galois.levels == [Automorphism.rotationElement(steps: 3, degree: n): keyLevel,
                                      Automorphism.rotationElement(steps: -2, degree: n): params.maxLevel,
                                      Automorphism.conjugationElement(degree: n): keyLevel])
            #expect(relin.key.level == keyLevel && relin.key.byteCount < full)
            let evaluator = try Evaluator(context: f.context, relinearizationKey: relin, galoisKeys: galois)
            for level in 0...keyLevel {
                let x = values.vector(params.slotCount), y = values.vector(params.slotCount)
                let cx = try f.encrypt(x, level: level), cy = try f.encrypt(y, level: level)
                let rotated = f.decrypt(try evaluator.rotate(cx, by: 3))
                #expect(precisionBits(rotated, (0..<x.count).map { x[($0 + 3) % x.count] }) > 20)
                guard level >= 1 else { continue }  // a product at scale 2^80 needs q_0·q_1
                let product = f.decrypt(try evaluator.multiplyRelinearize(cx, cy))
                #expect(precisionBits(product, zip(x, y).map { $0 * $1 }) > 15)
            }
        }
    }

    @Test("A key that does not reach the ciphertext's level is refused, never used")
    func refusesTooShortKey() throws {
        var f = try Fixture(.insecureN2048Hybrid, steps: [1])
        let params = f.context.parameters
        let galois = f.keygen.galoisKeys(stepLevels: [1: 1])
        let relin = f.keygen.relinearizationKey(level: 1)
        let evaluator = try Evaluator(context: f.context, relinearizationKey: relin, galoisKeys: galois)
        var values = TestValues(seed: 9)
        let x = try f.encrypt(values.vector(params.slotCount), level: 2)
        let expected = HEError.keyLevelTooLow(operation: "rotation (Galois element 5)", keyLevel: 1, ciphertextLevel: 2)
        #expect(throws: expected) { try evaluator.rotate(x, by: 1) }
        #expect(throws: HEError.self) { try evaluator.rotateHoisted(x, by: [1, 0]) }
        #expect(throws: HEError.keyLevelTooLow(operation: "relinearization", keyLevel: 1, ciphertextLevel: 2)) {
            try evaluator.multiplyRelinearize(x, x)
        }
        #expect(throws: HEError.self) { try evaluator.relinearize(try f.evaluator.multiply(x, x)) }
        #expect(throws: HEError.self) { try galois.keys[5]?.trimmed(toLevel: 2, parameters: params) }
        #expect(expected.description.contains("up to level 1") && expected.description.contains("at level 2"))
    }

    @Test("Files: trimmed keys are format version 2 and round-trip; full keys stay version 1 and load")
    func serialization() throws {
        var f = try Fixture(.insecureN2048Hybrid, steps: [1])
        let context = f.context
        let trimmed = f.keygen.galoisKeys(stepLevels: [1: 2, 4: 0])
        let bytes = trimmed.serialized(context: context)
        #expect(bytes[4] == 2 && bytes[5] == 0)  // the container's version word
        let loaded = try GaloisKeys(deserializing: bytes, context: context)
        #expect(loaded.levels == trimmed.levels)
        for (g, key) in trimmed.keys { #expect(loaded.keys[g]?.data == key.data) }
        let relin = f.keygen.relinearizationKey(level: 3)
        let relinBytes = relin.serialized(context: context)
        #expect(relinBytes[4] == 2)
        #expect(try RelinearizationKey(deserializing: relinBytes, context: context).key.data == relin.key.data)

        // Full keys: the version-1 file every earlier build wrote (pinned layout in
        // SerializationFormatDigestTests) — loads as keys for the top level.
        let full = f.keygen.galoisKeys(steps: [1])
        let fullBytes = full.serialized(context: context)
        #expect(fullBytes[4] == 1)
        let old = try GaloisKeys(deserializing: fullBytes, context: context)
        #expect(old.levels.values.allSatisfy { $0 == context.parameters.maxLevel })
        #expect(old.keys.values.first?.data == full.keys.values.first?.data)

        // A version-2 file whose level does not match its size, or a newer version, is refused.
        var words = Self.words(bytes)
        words[5] = 4  // the first key's level (count, element, level, …)
        #expect(throws: HEError.self) { try GaloisKeys(deserializing: Self.resealed(words), context: context) }
        var newer = Self.words(bytes)
        newer[0] = (newer[0] & 0xFFFF_FFFF) | 3 << 32
        #expect(throws: HEError.unsupportedVersion(3)) { try GaloisKeys(deserializing: Self.resealed(newer), context: context) }
    }

    static func words(_ bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count, by: 8).map { o in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) } }
    }

    /// The words with a fresh checksum, as bytes.
    static func resealed(_ words: [UInt64]) -> [UInt8] {
        var body = Array(words.dropLast())
        body.append(FNV1a.hash(body))
        return body.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * UInt64($0))) } }
    }
}
