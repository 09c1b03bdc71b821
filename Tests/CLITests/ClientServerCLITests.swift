import Foundation
import Testing
import _HepexcTestSupport

/// The client/server commands from the command line: the whole flow on a
/// tiny plan, and a secret key handed to the server as one error line.
@Suite struct ClientServerCLITests {
    @Test func fileFlowAndASecretKeyGivenToTheServer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-cs-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = { (name: String) in folder.appendingPathComponent(name).path }
        let data = "models/data/digits_test.npz"
        let steps: [[String]] = [
            ["compile", "models/digits_mlp_square.onnx", "--tile", "16x16", "--insecure-test-logn", "10", "-o", file("p.hepx")],
            ["keygen", file("p.hepx"), "-o", file("alice"), "--allow-insecure"],
            ["encrypt", file("p.hepx"), "--secret", file("alice.secret"), "--data", data, "--limit", "3", "-o", file("x.hect"),
             "--allow-insecure"],
            ["evaluate", file("p.hepx"), "--eval-keys", file("alice.evalkeys"), file("x.hect"), "-o", file("y.hect"),
             "--allow-insecure", "--threads", "1"],
            ["decrypt", file("p.hepx"), "--secret", file("alice.secret"), file("y.hect"), "-o", file("predictions.npz"),
             "--data", data, "--limit", "3", "--allow-insecure", "--json"],
        ]
        var last = CLIRunner.Result(status: 0, stdout: "", stderr: "")
        for step in steps {
            last = try CLIRunner.run(step)
            #expect(last.status == 0, "\(step[0]): \(last.stderr)")
        }
        let report = CLIRunner.json(last.stdout)
        #expect(report?["samples"] as? Int == 3)
        #expect((report?["max_abs_error"] as? Double ?? 1) < 1e-3)
        #expect(FileManager.default.fileExists(atPath: file("predictions.npz")))

        let refused = try CLIRunner.run(["evaluate", file("p.hepx"), "--eval-keys", file("alice.secret"), file("x.hect"),
                                         "-o", file("z.hect"), "--allow-insecure"])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("error: \(file("alice.secret")): this is a secret key"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: file("z.hect")))

        let insecure = try CLIRunner.run(["keygen", file("p.hepx"), "-o", file("bob")])
        #expect(insecure.status == 1 && insecure.stderr.contains("below 128-bit security"))
    }
}
