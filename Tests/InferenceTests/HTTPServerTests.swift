import Foundation
import HepexcDriver
import HepexcInference
import HepexcPlan
@testable import HepexcServer
import Testing
import _HepexcTestSupport

/// The HTTP server on loopback with a tiny plan: keys once, evaluation equal
/// to the plaintext plan, JSON errors, limits, metrics, shutdown.
@Suite struct HTTPServerTests {
    @Test func servesEvaluationsAndRefusesBadRequests() async throws {
        let folder = try InferenceTestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        guard let bundled = BundledModel.all.first(where: { $0.name == "digits_mlp_square" }) else { return }
        let (plan, _) = try InferenceTestSupport.tinyPlan(bundled, in: folder)
        let (client, keys) = try InferenceClient.generateKeys(for: plan)
        let keyBytes = keys.serialized(for: client.prepared)
        let rows = (0..<5).map { i in (0..<plan.inputFeatures).map { Double(($0 * 3 + i) % 17) / 17 } }
        let inputs = try client.encrypt(rows).serialized(for: client.prepared)
        let limit = max(keyBytes.count, inputs.count) + 4096
        let options = ServeOptions(plans: [("digits", "unused")], port: 0, keyStore: folder.appendingPathComponent("keys").path,
                                   maxBodyBytes: limit, maxConcurrent: 1, maxQueued: 2, timeoutSeconds: 60)
        let server = try InferenceHTTPServer(options: options) { _ in plan }
        let ports = AsyncStream<Int>.makeStream()
        let serving = Task { try await server.run { ports.continuation.yield($0) } }
        defer { serving.cancel() }
        var iterator = ports.stream.makeAsyncIterator()
        guard let port = await iterator.next(), let base = URL(string: "http://127.0.0.1:\(port)") else {
            Issue.record("server did not start"); return
        }
        let http = InferenceHTTPClient(baseURL: base, retries: 0)

        let (healthStatus, health) = try await http.send("GET", path: "healthz", body: nil)
        #expect(healthStatus == 200 && String(decoding: health, as: UTF8.self).contains("digits"))

        let id = try await http.upload(keys: keyBytes, plan: "digits")
        #expect(id == InferenceHTTPClient.keyID(keyBytes))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("keys/\(id).evalkeys").path))
        let reply = try await http.evaluate(plan: "digits", keyID: id, keys: keyBytes, inputs: inputs)
        let outputs = try client.decrypt(try CiphertextBatch(deserializing: reply, for: client.prepared, stage: .output))
        #expect(InferenceTestSupport.maxDifference(outputs, try PlanRunner.simulate(plan, rows: rows)) < 1e-3)

        // Errors: JSON bodies with 4xx, the server keeps serving.
        func error(_ method: String, _ path: String, _ body: [UInt8]?, headers: [String: String] = [:]) async throws -> (Int, String) {
            let (status, data) = try await http.send(method, path: path, body: body, headers: headers)
            let object = try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any]
            #expect(object?["status"] as? Int == status)
            return (status, object?["error"] as? String ?? "")
        }
        let secret = client.secretKeyBytes()
        let (secretStatus, secretMessage) = try await error("PUT", "v1/keys", Array(secret.prefix(limit - 1)))
        #expect(secretStatus == 400 && secretMessage.contains("secret key"))
        #expect(try await error("POST", "v1/plans/other/evaluate", inputs, headers: [InferenceHTTPClient.keyHeader: id]).0 == 404)
        #expect(try await error("POST", "v1/plans/digits/evaluate", inputs).0 == 400)
        #expect(try await error("POST", "v1/plans/digits/evaluate", [UInt8](repeating: 0, count: limit + 1),
                                headers: [InferenceHTTPClient.keyHeader: id]).0 == 413)
        var flipped = inputs
        flipped[inputs.count / 2] ^= 1
        let (corruptStatus, corruptMessage) = try await error("POST", "v1/plans/digits/evaluate", flipped,
                                                              headers: [InferenceHTTPClient.keyHeader: id])
        #expect(corruptStatus == 400 && corruptMessage.contains("checksum"))
        #expect(try await error("GET", "v1/keys/\(String(repeating: "0", count: 64))", nil).0 == 404)

        let (_, metrics) = try await http.send("GET", path: "metrics", body: nil)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains("hepexc_http_requests_total") && text.contains("hepexc_he_operations_total"))
        #expect(text.contains("hepexc_evaluation_queue_depth"))
    }

    /// `hepexc infer`'s application-layer call against a server: keys uploaded
    /// once, several requests (one batch tile each), predictions in sample order.
    @Test func remoteInferenceWritesPredictions() async throws {
        let folder = try InferenceTestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        guard let bundled = BundledModel.all.first(where: { $0.name == "digits_mlp_square" }) else { return }
        let (plan, planPath) = try InferenceTestSupport.tinyPlan(bundled, in: folder)
        var keygen = ClientServer.KeygenRequest(plan: planPath, output: folder.appendingPathComponent("alice").path)
        keygen.allowInsecure = true
        _ = try ClientServer.keygen(keygen)
        let options = ServeOptions(plans: [("digits", planPath)], port: 0, keyStore: folder.appendingPathComponent("keys").path)
        let server = try InferenceHTTPServer(options: options) { _ in plan }
        let ports = AsyncStream<Int>.makeStream()
        let serving = Task { try await server.run { ports.continuation.yield($0) } }
        defer { serving.cancel() }
        var iterator = ports.stream.makeAsyncIterator()
        guard let number = await iterator.next() else { Issue.record("server did not start"); return }
        let data = DataRequest(path: bundled.dataPath, limit: 2 * plan.tile.t3 + 1)
        var request = RemoteInference.Request(server: "http://127.0.0.1:\(number)", plan: planPath,
                                              secret: folder.appendingPathComponent("alice.secret").path, data: data,
                                              output: folder.appendingPathComponent("predictions.npz").path)
        request.planName = "digits"
        request.batchTiles = 1
        request.allowInsecure = true
        // The application layer blocks (as the CLI does): run it on a Dispatch thread, off the test's executor.
        let sent = request
        let report = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try RemoteInference.run(sent) }) }
        }
        #expect(report.requests == 3 && report.samples == 2 * plan.tile.t3 + 1)
        let (outputs, labels) = try InferenceTestSupport.predictions(request.output)
        let dataset = try data.load()
        let rows = (0..<dataset.count).map { i in Array(dataset.inputs.scalars[(i * plan.inputFeatures)..<((i + 1) * plan.inputFeatures)]) }
        let plain = try PlanRunner.simulate(plan, rows: rows)
        #expect(InferenceTestSupport.maxDifference(outputs, plain) < 1e-3)
        #expect(labels == outputs.map(InferenceTestSupport.argmax))
    }

    @Test func theGateQueuesThenRefuses() async throws {
        let gate = EvaluationGate(maxRunning: 1, maxQueued: 1)
        try await gate.enter()
        let waiter = Task { try await gate.enter() }
        while await gate.queued == 0 { await Task.yield() }
        await #expect(throws: ServerError.self) { try await gate.enter() }
        await gate.leave()
        try await waiter.value
        let (running, queued) = await (gate.running, gate.queued)
        #expect(running == 1 && queued == 0)
        await gate.leave()
        #expect(await gate.running == 0)
    }
}
