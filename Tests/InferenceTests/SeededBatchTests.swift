import Foundation
@testable import HepexcCKKS
import HepexcDriver
@testable import HepexcInference
import HepexcPlan
import Testing

/// `.hect` inputs with seeded ciphertexts (format version 2, tag 2): half the
/// upload, the server's expansion equal to the client's ciphertexts, version 1
/// files still read, hostile seeds refused with one-line errors.
@Suite struct SeededBatchTests {
    /// The `.hect` words with the payload replaced (header kept, length and checksum redone).
    static func rewrap(_ bytes: [UInt8], version: UInt64? = nil, payload: (inout [UInt64]) -> Void) -> [UInt8] {
        var words = WordBytes.words(of: bytes)
        if let version { words[0] = (words[0] & 0xFFFF_FFFF) | version << 32 }
        var body = Array(words[4..<(words.count - 1)])
        payload(&body)
        var out = Array(words[0..<4]) + body
        out[3] = UInt64(body.count)
        out.append(WordHash.fnv1a(out))
        return WordBytes.bytes(of: out)
    }

    @Test func seededInputsHalveTheUploadAndDecryptLikeWholeOnes() throws {
        let fixture = try ArtifactSafetyTests.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let secret = try InferenceTestSupport.bytes(fixture.file("alice.secret"))
        let client = try InferenceClient(plan: fixture.plan, secretKeyBytes: secret)
        let prepared = client.prepared
        let rows = (0..<3).map { i in (0..<fixture.plan.inputFeatures).map { Double(($0 * 3 + i) % 11) / 11 } }
        let batch = try client.encrypt(rows)
        #expect(batch.seededCount == batch.ciphertextCount && batch.ciphertextCount > 0)
        let seeded = batch.serialized(for: prepared)
        // The same ciphertexts written whole (tag 0): what version 1 held.
        let whole = CiphertextBatch(stage: .input, sampleCount: batch.sampleCount, batches: batch.batches).serialized(for: prepared)
        #expect(Double(seeded.count) < 0.52 * Double(whole.count), "\(seeded.count) vs \(whole.count) bytes")
        #expect(WordBytes.words(of: seeded)[0] >> 32 == 2)

        // The server reads both; its expansion of a is the client's, bit for bit.
        let server = try InferenceServer(plan: fixture.plan)
        let loaded = try server.inputs(seeded)
        #expect(loaded.seededCount == batch.seededCount)
        for (mine, theirs) in zip(batch.batches.joined(), loaded.batches.joined()) {
            guard case .cipher(let a) = mine, case .cipher(let b) = theirs else { Issue.record("not a ciphertext"); continue }
            #expect(a.polys.map(\.data) == b.polys.map(\.data) && a.scale == b.scale)
        }
        #expect(loaded.serialized(for: prepared) == seeded)  // round trip keeps the seeded form
        let wholeLoaded = try server.inputs(whole)
        #expect(wholeLoaded.seededCount == 0 && wholeLoaded.ciphertextCount == batch.ciphertextCount)

        // A version 1 file (whole ciphertexts, tag 0) still loads and evaluates to the same outputs.
        let version1 = Self.rewrap(whole, version: 1) { _ in }
        let keys = try server.evaluationKeys(try InferenceTestSupport.bytes(fixture.file("alice.evalkeys")))
        let expected = try PlanRunner.simulate(fixture.plan, rows: rows)
        for bytes in [seeded, version1] {
            let outputs = try client.decrypt(try server.evaluate(try server.inputs(bytes), keys: keys))
            #expect(InferenceTestSupport.maxDifference(outputs, expected) < 1e-3)
        }
    }

    @Test func hostileSeededTilesAreOneLineErrors() throws {
        let fixture = try ArtifactSafetyTests.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let server = try InferenceServer(plan: fixture.plan)
        let inputs = try InferenceTestSupport.bytes(fixture.file("x.hect"))
        let hash = server.prepared.context.parameters.parameterHash
        // Payload: stage, samples, t3, batch count, then batch 0's tile count and tile 0's tag at word 5.
        let payload = Array(WordBytes.words(of: inputs)[4..<(WordBytes.words(of: inputs).count - 1)])
        #expect(payload[5] == 2)
        func refused(_ bytes: [UInt8], _ fragment: String) {
            do {
                _ = try server.inputs(bytes)
                Issue.record("accepted: \(fragment)")
            } catch let error as InferenceError {
                #expect(error.description.contains(fragment), "\(error)")
                #expect(!error.description.contains("\n"))
            } catch { Issue.record("\(error)") }
        }
        /// The file with tile 0 of batch 0 replaced by `object` (tag kept unless given).
        func withTile(_ object: [UInt8], tag: UInt64 = 2, version: UInt64? = nil) -> [UInt8] {
            Self.rewrap(inputs, version: version) { body in
                let length = Int(body[6]) / 8
                body.replaceSubrange(5..<(7 + length), with: [tag, UInt64(object.count)] + WordBytes.words(of: object))
            }
        }
        let level = UInt64(fixture.plan.inputLevel), scale = 0x1p30.bitPattern
        // A seed cut to two words, container otherwise consistent.
        refused(withTile(Container.encode(.seededCiphertext, parameterHash: hash, payload: [level, scale, 1, 2])), "seed word 2")
        // c0 one word short.
        let n = fixture.plan.tile.slotCount * 2
        let short = [level, scale, 1, 2, 3, 4] + [UInt64](repeating: 1, count: (fixture.plan.inputLevel + 1) * n - 1)
        refused(withTile(Container.encode(.seededCiphertext, parameterHash: hash, payload: short)), "payload ends inside seeded ciphertext c0")
        // A seeded tile in a version 1 file, or in results.
        let good = Array(WordBytes.bytes(of: Array(payload[7..<(7 + Int(payload[6]) / 8)])))
        refused(withTile(good, version: 1), "tag 2 of tile 0 in batch 0 is not allowed")
        do {
            _ = try CiphertextBatch(deserializing: inputs, for: server.prepared, stage: .output)
            Issue.record("accepted inputs as results")
        } catch { #expect("\(error)".contains("expected results")) }
        // A whole ciphertext object under the seeded tag.
        let whole = try #require(server.inputs(inputs).batches.first?.first)
        guard case .cipher(let ciphertext) = whole else { Issue.record("not a ciphertext"); return }
        refused(withTile(ciphertext.serialized(context: server.prepared.context)), "expected a serialized HXSC, found HXCT")
        // A future version.
        refused(Self.rewrap(inputs, version: 3) { _ in }, "unsupported format version 3")
    }
}
