import Foundation
import HepexcFrontend
import HepexcIR
import Testing
import _HepexcTestSupport

/// Corrupted models never crash the importer: random byte flips and
/// truncations of real exported models either import (and verify) or fail
/// with a `FrontendError`.
@Suite struct ONNXMutationTests {
    @Test(arguments: ["torch_mlp_view_opset9.onnx", "torch_cnn_bn_eval.onnx", "skl_mlp_zipmap.onnx", "ops_transpose_reshape_flatten.onnx"])
    func mutatedModelsFailCleanly(_ file: String) throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: FixtureManifest.directory + "/" + file))
        var generator = SplitMix64(seed: UInt64(file.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        var failures = 0
        for round in 0..<150 {
            var bytes = [UInt8](original)
            if round % 3 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            } else {
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            do {
                let graph = try ONNXImporter.importModel(bytes: Data(bytes), path: file, baseDirectory: nil)
                try graph.verify()
            } catch {
                failures += 1
                #expect(!"\(error)".isEmpty)
            }
        }
        #expect(failures > 0)
    }
}
