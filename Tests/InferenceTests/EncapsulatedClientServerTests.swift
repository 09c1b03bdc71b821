import Foundation
import HepexcData
import HepexcDriver
import HepexcInference
import HepexcIR
import HepexcPlan
import Testing
import _HepexcTestSupport

/// A compiled plan whose bootstraps use sparse-secret encapsulation, through
/// the client/server API: keygen puts the encapsulation keys into `.evalkeys`,
/// the server reads them, refuses keys without them, and encodes the bootstrap
/// transforms once for every client (digits MLP against a 2-level chain,
/// N = 2^10, insecure: tests only).
@Suite struct EncapsulatedClientServerTests {
    static func plan(in folder: URL) throws -> Plan {
        let path = folder.appendingPathComponent("deep.hepx").path
        var request = CompileRequest(model: TestPaths.path("models/digits_mlp_square.onnx"), tile: .fixed(t1: 1, t2: 64),
                                     insecureLogN: 10, output: path, quiet: true)
        request.bootstrapLevels = 2
        _ = try Compilation.run(request)
        return try PlanRunner.read(path)
    }

    static func rows(_ count: Int) throws -> [[Double]] {
        let inputs = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz")).inputs
        let width = inputs.count / inputs.shape[0]
        return (0..<count).map { Array(inputs.scalars[($0 * width)..<(($0 + 1) * width)]) }
    }

    @Test("keygen writes the encapsulation keys; .evalkeys round-trip; keys without them are a one-line error")
    func evaluationKeysCarryEncapsulation() throws {
        let folder = try InferenceTestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try Self.plan(in: folder)
        #expect(plan.encapsulationWeight == 32)
        let (client, keys) = try InferenceClient.generateKeys(for: plan)
        let encapsulation = try #require(keys.encapsulationKeys)
        #expect(encapsulation.hammingWeight == 32)
        let bytes = keys.serialized(for: client.prepared)
        let server = try InferenceServer(plan: plan)
        let read = try server.evaluationKeys(bytes)
        #expect(read.encapsulationKeys?.hammingWeight == 32 && read.byteCount == keys.byteCount)
        #expect(read.serialized(for: client.prepared) == bytes)

        // The same keys without the encapsulation keys: refused on reading and on evaluating.
        let stripped = EvaluationKeys(relinearizationKey: keys.relinearizationKey, galoisKeys: keys.galoisKeys)
        do {
            _ = try server.evaluationKeys(stripped.serialized(for: client.prepared))
            Issue.record("keys without encapsulation keys were accepted")
        } catch {
            #expect("\(error)".contains("encapsulation") && !"\(error)".contains("\n"), "\(error)")
        }
        let inputs = try client.encrypt(try Self.rows(plan.tile.t3))
        do {
            _ = try server.evaluate(inputs, keys: stripped)
            Issue.record("an evaluation without encapsulation keys ran")
        } catch {
            #expect("\(error)".contains("encapsulation") && !"\(error)".contains("\n"), "\(error)")
        }
        // Truncated or damaged bytes: one-line errors, no crash.
        for damaged in [Array(bytes.dropLast(8)), Array(bytes.prefix(bytes.count / 2)), Array(bytes.prefix(40))] {
            do {
                _ = try server.evaluationKeys(damaged)
                Issue.record("damaged keys were accepted")
            } catch {
                #expect(!"\(error)".contains("\n"), "\(error)")
            }
        }
    }

    @Test("one server, two clients: the bootstrap transforms are encoded once; both decrypt within 1e-2 of plaintext")
    func transformsEncodedOnce() throws {
        let folder = try InferenceTestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try Self.plan(in: folder)
        let server = try InferenceServer(plan: plan, threads: 2)
        #expect(server.bootstrapSetupSeconds == nil)
        let rows = try Self.rows(plan.tile.t3)
        let expected = try PlanRunner.simulate(plan, rows: rows)
        var setup: Double?
        for index in 0..<2 {
            let (client, keys) = try InferenceClient.generateKeys(for: plan)
            let outputs = try client.decrypt(try server.evaluate(try client.encrypt(rows), keys: keys))
            let error = InferenceTestSupport.maxDifference(outputs, expected)
            #expect(error < 1e-2, "client \(index): max error \(error)")
            let seconds = try #require(server.bootstrapSetupSeconds)
            if let setup { #expect(seconds == setup, "the transforms were encoded again") }
            setup = seconds
        }
    }
}
