import Foundation
import HepexcDriver
import HepexcIR
import Testing
import _HepexcTestSupport

@Suite struct ModelLoaderTests {
    func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    @Test func textualIRRoundTripsThroughTheLoader() throws {
        let onnx = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx"))
        let text = onnx.graph.printed(PrintOptions(weights: .all))
        let path = try temporaryFile("digits.hepir", text)
        let reloaded = try ModelLoader.load(path)
        #expect(reloaded.format == .ir)
        #expect(reloaded.graph == onnx.graph)
    }

    @Test func elidedIRLoadsButCannotBeEvaluated() throws {
        let onnx = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx"))
        let path = try temporaryFile("digits.hepir", onnx.graph.printed())
        let reloaded = try ModelLoader.load(path)
        #expect(!reloaded.graph.hasAllWeights)
        #expect(throws: IRError.self) { try Interpreter(reloaded.graph) }
    }

    @Test func parseErrorsCarryFileLineAndColumn() throws {
        let path = try temporaryFile("broken.hepir", "hepir 1\nmodel @m\n\ngraph(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>) {\n  %0 = frobnicate(%x) : tensor<?x4xf32>\n  return %0\n}\n")
        do {
            _ = try ModelLoader.load(path)
            Issue.record("expected a parse error")
        } catch {
            #expect(error.description.contains("broken.hepir:5:"))
            #expect(error.description.contains("frobnicate"))
        }
    }

    @Test func unknownPassIsReported() throws {
        do {
            _ = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx"), passes: "fold-bn,prune-everything")
            Issue.record("expected an unknown pass error")
        } catch {
            #expect(error.description.contains("prune-everything"))
            #expect(error.description.contains("fold-bn"))
        }
    }

    @Test func kerasFilesGetAClearMessage() throws {
        let path = try temporaryFile("model.h5", "not really hdf5")
        do {
            _ = try ModelLoader.load(path)
            Issue.record("expected unsupported format")
        } catch {
            #expect(error.description.contains("Keras"))
        }
    }
}
