import Foundation
import HepexcData
import HepexcDriver
import HepexcInference
import HepexcPlan
import Testing
import _HepexcTestSupport

/// A plan with a bootstrap step through the client/server files: keygen adds
/// the conjugation key and the bootstrap's rotations, the client encrypts at
/// the level a bootstrap lands on, the server bootstraps with the client's keys
/// (digits MLP against a 2-level chain, N = 2^10, insecure: tests only).
@Suite struct BootstrapClientServerTests {
    @Test func bootstrappedPlanThroughFiles() throws {
        let folder = try InferenceTestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = { (name: String) in folder.appendingPathComponent(name).path }
        var request = CompileRequest(model: TestPaths.path("models/digits_mlp_square.onnx"), tile: .fixed(t1: 1, t2: 64),
                                     insecureLogN: 10, output: file("deep.hepx"), quiet: true)
        request.bootstrapLevels = 2
        let compiled = try Compilation.run(request)
        let bootstraps = try #require(compiled.plan.bootstraps)
        #expect(bootstraps.steps == 1 && bootstraps.estimate == 1)
        let plan = try PlanRunner.read(file("deep.hepx"))
        #expect(plan.bootstraps && plan.inputLevel == 2)

        let data = DataRequest(path: TestPaths.path("models/data/digits_test.npz"), limit: plan.tile.t3)
        var keygen = ClientServer.KeygenRequest(plan: file("deep.hepx"), output: file("alice"))
        keygen.allowInsecure = true
        let keys = try ClientServer.keygen(keygen)
        #expect(keys.galoisKeys == Set(plan.rotationSteps).count + 1)  // + conjugation
        var encrypt = ClientServer.EncryptRequest(plan: file("deep.hepx"), secret: file("alice.secret"), data: data,
                                                  output: file("x.hect"))
        encrypt.allowInsecure = true
        _ = try ClientServer.encrypt(encrypt)
        var evaluate = ClientServer.EvaluateRequest(plan: file("deep.hepx"), evaluationKeys: file("alice.evalkeys"),
                                                    input: file("x.hect"), output: file("y.hect"), threads: 2)
        evaluate.allowInsecure = true
        _ = try ClientServer.evaluate(evaluate) { _, _ in }
        var decrypt = ClientServer.DecryptRequest(plan: file("deep.hepx"), secret: file("alice.secret"), input: file("y.hect"),
                                                  output: file("predictions.npz"), data: data)
        decrypt.allowInsecure = true
        let decrypted = try ClientServer.decrypt(decrypt)
        let error = try #require(decrypted.maxAbsError)
        #expect(error < 1e-2, "max error \(error)")
    }
}
