import Foundation
import HepexcDriver
import HepexcInference
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Server-side files carry no secret material; damaged, foreign or
/// misplaced files are refused with one-line errors, never a crash.
@Suite struct ArtifactSafetyTests {
    /// A tiny plan with keys, inputs and results written through the driver.
    struct Fixture {
        let folder: URL
        let plan: Plan
        let planPath: String
        func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

        init(_ model: String = "digits_mlp_square") throws {
            folder = try InferenceTestSupport.scratch()
            guard let bundled = BundledModel.all.first(where: { $0.name == model }) else { throw CocoaError(.fileNoSuchFile) }
            (plan, planPath) = try InferenceTestSupport.tinyPlan(bundled, in: folder)
            var keygen = ClientServer.KeygenRequest(plan: planPath, output: file("alice"))
            keygen.allowInsecure = true
            _ = try ClientServer.keygen(keygen)
            var encrypt = ClientServer.EncryptRequest(plan: planPath, secret: file("alice.secret"),
                                                      data: .init(path: bundled.dataPath, limit: 3), output: file("x.hect"))
            encrypt.allowInsecure = true
            _ = try ClientServer.encrypt(encrypt)
            var evaluate = ClientServer.EvaluateRequest(plan: planPath, evaluationKeys: file("alice.evalkeys"),
                                                        input: file("x.hect"), output: file("y.hect"), threads: 1)
            evaluate.allowInsecure = true
            _ = try ClientServer.evaluate(evaluate)
        }
    }

    @Test func serverFilesHoldNoSecretMaterial() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let secretFile = try InferenceTestSupport.bytes(fixture.file("alice.secret"))
        // The key's residues: the HXSK container's payload (3 header words, a checksum word).
        let residues = Array(InferenceTestSupport.words(secretFile).dropFirst(3).dropLast())
        #expect(residues.count == fixture.plan.tile.slotCount * 2 * (fixture.plan.parameters.logQ.count + fixture.plan.parameters.logP.count))
        // Adjacent residue pairs (≈ 2^60 possibilities each): a copy of the key, or of a
        // limb of it, anywhere in a file shows up as one of them.
        let pairs = Set(zip(residues, residues.dropFirst()).map { [$0, $1] })
        func containsSecret(_ path: String) throws -> Bool {
            let words = InferenceTestSupport.words(try InferenceTestSupport.bytes(path))
            return zip(words, words.dropFirst()).contains { pairs.contains([$0, $1]) }
        }
        #expect(try containsSecret(fixture.file("alice.secret")))  // the check can fail
        for name in ["alice.evalkeys", "x.hect", "y.hect"] {
            #expect(try !containsSecret(fixture.file(name)), "\(name) holds secret-key residues")
            let bytes = try InferenceTestSupport.bytes(fixture.file(name))
            #expect(!String(decoding: bytes, as: UTF8.self).contains("HXSK"), "\(name) holds a secret-key object")
        }
        // The container layout (docs/inference.md): magic, version (1 keys, 2 ciphertext batches),
        // parameter and plan hash, payload length, FNV-1a-64 checksum over every preceding word.
        let prepared = try PreparedPlan(fixture.plan)
        for (name, magic, version) in [("alice.evalkeys", "HXEK", UInt64(1)), ("x.hect", "HXCB", 2), ("y.hect", "HXCB", 2)] {
            let words = InferenceTestSupport.words(try InferenceTestSupport.bytes(fixture.file(name)))
            #expect(words[0] == UInt64(Array(magic.utf8).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
                    | version << 32)
            #expect(words[1] == prepared.binding.parameterHash && words[2] == prepared.binding.planHash)
            #expect(words[3] == UInt64(words.count - 5))
            let checksum = words.dropLast().reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ $1) &* 0x0000_0100_0000_01B3 }
            #expect(words.last == checksum)
        }
        let mode = try FileManager.default.attributesOfItem(atPath: fixture.file("alice.secret"))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func damagedAndMisplacedFilesAreOneLineErrors() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let server = try InferenceServer(plan: fixture.plan)
        let keys = try InferenceTestSupport.bytes(fixture.file("alice.evalkeys"))
        let inputs = try InferenceTestSupport.bytes(fixture.file("x.hect"))
        let secret = try InferenceTestSupport.bytes(fixture.file("alice.secret"))
        let results = try InferenceTestSupport.bytes(fixture.file("y.hect"))
        _ = try server.evaluationKeys(keys)
        _ = try server.inputs(inputs)

        func refused(_ expected: (InferenceError) -> Bool, _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("accepted")
            } catch let error as InferenceError {
                #expect(expected(error), "\(error)")
                #expect(!error.description.contains("\n"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        func corrupted(_ error: InferenceError) -> Bool { if case .corrupted = error { return true } else { return false } }
        for bytes in [keys, inputs] {
            let isKeys = bytes == keys
            let load = { (b: [UInt8]) throws in
                if isKeys { _ = try server.evaluationKeys(b) } else { _ = try server.inputs(b) }
            }
            refused(corrupted) { try load(Array(bytes.dropLast(8))) }
            refused(corrupted) { try load(Array(bytes.prefix(bytes.count / 2))) }
            refused(corrupted) { try load(Array(bytes.prefix(12))) }
            for position in stride(from: 8, to: bytes.count, by: max(1, bytes.count / 40)) {
                var flipped = bytes
                flipped[position] ^= 0x10
                refused(corrupted) { try load(flipped) }
            }
        }
        refused({ $0 == .secretKeyOnServer }) { _ = try server.evaluationKeys(secret) }
        refused({ if case .wrongKind = $0 { return true } else { return false } }) { _ = try server.inputs(secret) }
        refused({ if case .wrongKind = $0 { return true } else { return false } }) { _ = try server.inputs(keys) }
        refused({ if case .mismatch = $0 { return true } else { return false } }) { _ = try server.inputs(results) }
        refused({ if case .wrongKind = $0 { return true } else { return false } }) {
            _ = try InferenceClient(plan: fixture.plan, secretKeyBytes: keys)
        }
        let client = try InferenceClient(plan: fixture.plan, secretKeyBytes: secret)
        refused({ if case .mismatch = $0 { return true } else { return false } }) {
            _ = try client.decrypt(try CiphertextBatch(deserializing: inputs, for: client.prepared, stage: .output))
        }

        // Another plan (same ring, other layout and weights): its keys and ciphertexts are refused.
        let other = try Fixture("digits_mlp_poly2")
        defer { try? FileManager.default.removeItem(at: other.folder) }
        func otherPlan(_ error: InferenceError) -> Bool { if case .otherPlan = error { return true } else { return false } }
        refused(otherPlan) { _ = try server.evaluationKeys(try InferenceTestSupport.bytes(other.file("alice.evalkeys"))) }
        refused(otherPlan) { _ = try server.inputs(try InferenceTestSupport.bytes(other.file("x.hect"))) }
        refused(otherPlan) {
            _ = try CiphertextBatch(deserializing: try InferenceTestSupport.bytes(other.file("y.hect")), for: client.prepared, stage: .output)
        }
    }

    @Test func differentClientsShareOneServer() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let server = try InferenceServer(plan: fixture.plan)
        let rows = (0..<3).map { i in (0..<fixture.plan.inputFeatures).map { Double(($0 + i) % 7) / 7 } }
        let expected = try PlanRunner.simulate(fixture.plan, rows: rows)
        // Two clients with their own keys, evaluated concurrently by one executor.
        let clients = try (0..<2).map { _ in try InferenceClient.generateKeys(for: fixture.plan) }
        let outputs = try clients.map { client, keys in (client, keys, try client.encrypt(rows)) }
        let decrypted = UnsafeSendableResults(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let (client, keys, inputs) = outputs[i]
            decrypted.set(i, Result { try client.decrypt(try server.evaluate(inputs, keys: keys)) })
        }
        for i in 0..<2 {
            #expect(InferenceTestSupport.maxDifference(try decrypted.get(i), expected) < 1e-3)
        }
        // Keys of one client cannot evaluate the other's ciphertexts into anything meaningful:
        // the output decrypts to noise far from the reference.
        let crossed = try clients[0].0.decrypt(try server.evaluate(outputs[1].2, keys: clients[0].1))
        #expect(InferenceTestSupport.maxDifference(crossed, expected) > 1)
    }
}

/// Results written by concurrent workers, one slot each.
final class UnsafeSendableResults: @unchecked Sendable {
    private var slots: [Result<[[Double]], any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<[[Double]], any Error>) { lock.lock(); slots[i] = value; lock.unlock() }
    func get(_ i: Int) throws -> [[Double]] {
        lock.lock(); defer { lock.unlock() }
        guard let slot = slots[i] else { throw CocoaError(.fileReadUnknown) }
        return try slot.get()
    }
}
