import Foundation
import HepexcCKKS
import HepexcData
import HepexcDriver
import HepexcExecutor
import HepexcInference
import HepexcPlan
import Testing
import _HepexcTestSupport

/// keygen → encrypt → evaluate → decrypt through files on the bundled digits
/// models (N = 2^10, insecure: tests only; the MNIST models take minutes in a
/// debug build and are checked at 128-bit parameters by
/// `scripts/client-server-check.sh`, docs/benchmarks.md).
@Suite struct ClientServerFlowTests {
    static let models = BundledModel.all.filter { $0.name.hasPrefix("digits") }

    @Test(arguments: models)
    func fileFlowMatchesRunAndThePlaintextPlan(_ bundled: BundledModel) throws {
        let folder = try InferenceTestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (plan, planPath) = try InferenceTestSupport.tinyPlan(bundled, in: folder)
        let file = { (name: String) in folder.appendingPathComponent(name).path }
        let samples = 2 * plan.tile.t3 + 1  // two full batch tiles and a partial one
        let data = DataRequest(path: bundled.dataPath, limit: samples)

        var keygen = ClientServer.KeygenRequest(plan: planPath, output: file("alice"))
        keygen.allowInsecure = true
        let keys = try ClientServer.keygen(keygen)
        #expect(keys.galoisKeys == Set(plan.rotationSteps).count)
        var encrypt = ClientServer.EncryptRequest(plan: planPath, secret: file("alice.secret"), data: data, output: file("x.hect"))
        encrypt.allowInsecure = true
        let encrypted = try ClientServer.encrypt(encrypt)
        #expect(encrypted.samples == samples && encrypted.batches == 3)
        var evaluate = ClientServer.EvaluateRequest(plan: planPath, evaluationKeys: file("alice.evalkeys"), input: file("x.hect"),
                                                    output: file("y.hect"), threads: 2)
        evaluate.allowInsecure = true
        var progress: [Int] = []
        _ = try ClientServer.evaluate(evaluate) { done, _ in progress.append(done) }
        #expect(progress == [1, 2, 3])
        var decrypt = ClientServer.DecryptRequest(plan: planPath, secret: file("alice.secret"), input: file("y.hect"),
                                                  output: file("predictions.npz"), data: data)
        decrypt.allowInsecure = true
        let decrypted = try ClientServer.decrypt(decrypt)
        let (outputs, labels) = try InferenceTestSupport.predictions(file("predictions.npz"))
        #expect(outputs.count == samples && labels == outputs.map(InferenceTestSupport.argmax))

        // The same ciphertexts and keys through the in-process executor (`hepexc run`'s CKKSBackend):
        // serialization and the server's keyed backend change nothing.
        let inProcess = try Self.inProcess(plan, secret: file("alice.secret"), keys: file("alice.evalkeys"), inputs: file("x.hect"),
                                           samples: samples)
        #expect(InferenceTestSupport.maxDifference(outputs, inProcess) < 1e-6)

        // Against the plan in exact arithmetic and against `hepexc run -o` (fresh keys and noise).
        let dataset = try data.load()
        let rows = (0..<dataset.count).map { i in Array(dataset.inputs.scalars[(i * plan.inputFeatures)..<((i + 1) * plan.inputFeatures)]) }
        let plain = try PlanRunner.simulate(plan, rows: rows)
        let noise = InferenceTestSupport.maxDifference(outputs, plain)
        #expect(noise < 1e-3 && decrypted.maxAbsError == noise)
        var run = Execution.Request(plan: planPath, data: data, threads: 2, allowInsecure: true)
        run.predictions = file("run.npz")
        let runReport = try Execution.run(run)
        let fromRun = try InferenceTestSupport.predictions(file("run.npz"))
        #expect(InferenceTestSupport.maxDifference(outputs, fromRun.outputs) <= noise + runReport.maxAbsError + 1e-12)
        if plan.outputFeatures > 1 {
            for (i, row) in plain.enumerated() where InferenceTestSupport.margin(row) > 2e-3 {
                #expect(labels[i] == InferenceTestSupport.argmax(row), "sample \(i)")
                #expect(fromRun.labels[i] == InferenceTestSupport.argmax(row), "sample \(i)")
            }
        }
    }

    /// Decrypted outputs of `inputs` evaluated by a `PlanExecutor` on a
    /// `CKKSBackend` built from the same secret key and evaluation keys.
    static func inProcess(_ plan: Plan, secret: String, keys: String, inputs: String, samples: Int) throws -> [[Double]] {
        let prepared = try PreparedPlan(plan)
        let context = prepared.context
        let secretKey = try SecretKey(deserializing: InferenceTestSupport.bytes(secret), context: context)
        let evaluationKeys = try EvaluationKeys(deserializing: InferenceTestSupport.bytes(keys), for: prepared)
        let evaluator = try Evaluator(context: context, relinearizationKey: evaluationKeys.relinearizationKey,
                                      galoisKeys: evaluationKeys.galoisKeys)
        let backend = CKKSBackend(context: context, evaluator: evaluator, encryptionKey: .secretKey(secretKey),
                                  decryptor: try Decryptor(context: context, secretKey: secretKey))
        let executor = try PlanExecutor(plan: plan, backend: backend, threads: 2)
        let batch = try CiphertextBatch(deserializing: InferenceTestSupport.bytes(inputs), for: prepared, stage: .input)
        let layout = TileLayout(plan: plan)
        var outputs: [[Double]] = []
        for (index, tiles) in batch.batches.enumerated() {
            let ciphertexts = tiles.compactMap { tile -> Ciphertext? in if case .cipher(let c) = tile { return c } else { return nil } }
            let slots = try executor.run(ciphertexts).map { tile -> [Double] in
                switch tile {
                case .cipher(let c): return try backend.decrypt(c)
                case .plain(let values): return values
                }
            }
            outputs += layout.decodeOutput(slots, samples: min(plan.tile.t3, samples - index * plan.tile.t3))
        }
        return outputs
    }
}
