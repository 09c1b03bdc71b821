import Foundation
import HepexcData
import HepexcDriver
import HepexcFrontend
import HepexcIR
import _HepexcTestSupport
import Testing

/// Models every test here exports: the bundled models, every Keras fixture
/// and every valid ONNX fixture.
enum ExportCorpus {
    struct Model: CustomTestStringConvertible, Sendable {
        var label: String
        var path: String
        var configPath: String?
        var testDescription: String { label }
    }

    static let bundled: [Model] = ["mnist_cryptonets", "mnist_mlp_square", "digits_mlp_square", "mnist_autoencoder"].map {
        Model(label: "models/\($0).onnx", path: TestPaths.path("models/\($0).onnx"))
    }
    static let keras: [Model] = KerasFixtureManifest.valid.map {
        Model(label: "keras/" + $0.testDescription, path: $0.path, configPath: $0.configPath)
    }
    static let onnx: [Model] = FixtureManifest.valid.map { Model(label: "onnx/" + $0.file, path: $0.path) }
    static var all: [Model] { bundled + keras + onnx }

    /// Deterministic inputs in [-1, 1] for every graph input, batch 3.
    static func inputs(for graph: Graph, batch: Int = 3) -> [String: Tensor] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var result: [String: Tensor] = [:]
        for input in graph.inputs {
            let shape = [batch] + input.type.dimensions.dropFirst().map { $0 ?? 1 }
            let count = shape.reduce(1, *)
            let values = (0..<count).map { _ -> Double in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(Float(Double(state >> 11) / Double(1 << 53) * 2 - 1))
            }
            result[input.name] = Tensor(shape: shape, scalars: values, elementType: input.type.elementType)
        }
        return result
    }
}

/// import(export(graph)) computes what graph computes, for every model.
@Suite struct ONNXExportRoundTripTests {
    @Test(arguments: ExportCorpus.all)
    func exportThenImportEvaluatesIdentically(_ model: ExportCorpus.Model) throws {
        let graph = try ModelLoader.load(model.path, configPath: model.configPath).graph
        let bytes = try ONNXExporter.export(graph)
        let reimported = try ONNXImporter.importModel(bytes: bytes, path: "\(graph.name).onnx", baseDirectory: nil)
        #expect(reimported.inputs.map(\.type) == graph.inputs.map(\.type))
        #expect(reimported.metadata["opset"] == .int(ONNXExporter.opset))
        let inputs = ExportCorpus.inputs(for: graph)
        let expected = try Interpreter(graph).run(inputs)
        let actual = try Interpreter(reimported).run(Dictionary(uniqueKeysWithValues: zip(reimported.inputs.map(\.name), graph.inputs.map { inputs[$0.name]! })))
        #expect(reimported.outputs.count == graph.outputs.count)
        for (mine, theirs) in zip(graph.outputs, reimported.outputs) {
            let a = try #require(expected[mine]), b = try #require(actual[theirs])
            #expect(a.shape == b.shape, "\(model.label) output \(mine)")
            let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) - 1e-9 * (1 + abs($0)) }.max() ?? 0
            #expect(worst <= 0, "\(model.label) output \(mine): differs by \(worst)")
        }
    }

    @Test func denseIsGemmAndPolyIsOneMulForASquare() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/mnist_mlp_square.onnx")).graph
        let reimported = try ONNXImporter.importModel(bytes: try ONNXExporter.export(graph), path: "m.onnx", baseDirectory: nil)
        // Gemm(transB=1) comes back as dense with the same [out, in] weight;
        // the square is exported as one Mul(x, x) …
        #expect(reimported.operations.map(\.kind) == [.reshape, .dense, .mul, .dense])
        #expect(reimported.constants.values.map(\.type).filter { $0.rank == 2 } == graph.constants.values.map(\.type).filter { $0.rank == 2 })
        // … which the import pipeline fuses back into the same poly.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-square-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.onnx").path
        try ONNXExporter.write(graph, to: path)
        #expect(try ModelLoader.load(path).graph.operations.map(\.kind) == graph.operations.map(\.kind))
    }

    @Test func everyOperationKindIsExported() throws {
        let text = """
        hepir 1
        model @all_ops

        const @w : tensor<2x3x2x2xf32> = dense<[0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8, 0.9, 0.1, 0.2, 0.3, -0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 0.1, 0.2, -0.3]>
        const @b : tensor<2xf32> = dense<[0.5, -0.5]>
        const @s : tensor<2xf32> = dense<[1.5, 0.5]>
        const @m : tensor<2xf32> = dense<[0.1, -0.1]>
        const @v : tensor<2xf32> = dense<[0.9, 1.1]>
        const @fw : tensor<3x8xf32> = dense<[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, -0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, 0.2, -0.2, 0.2, -0.2, 0.2, -0.2, 0.2, -0.2]>
        const @k : tensor<f32> = dense<[2.0]>

        graph(%x: tensor<?x3x5x5xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<?x2x2x2xf32>) {
          %c = conv2d(%x, @w, @b) {pads = [1, 0, 0, 1], strides = [2, 2]} : tensor<?x2x3x3xf32>
          %n = batchnorm(%c, @s, @b, @m, @v) {epsilon = 0.001} : tensor<?x2x3x3xf32>
          %p = poly(%n) {coeffs = [0.25, 0.5, 0.125, -0.0625]} : tensor<?x2x3x3xf32>
          %r0 = relu(%p) : tensor<?x2x3x3xf32>
          %ge = activation(%r0) {fn = "gelu"} : tensor<?x2x3x3xf32>
          %el = activation(%ge) {alpha = 0.7, fn = "elu"} : tensor<?x2x3x3xf32>
          %pp = pad(%el) {pads = [1, 0, 0, 1]} : tensor<?x2x4x4xf32>
          %r = pad(%pp) {pads = [-1, 0, 0, -1]} : tensor<?x2x3x3xf32>
          %a = avgpool2d(%r) {count_include_pad = false, kernel = [2, 2], pads = [1, 1, 0, 0], strides = [2, 2]} : tensor<?x2x2x2xf32>
          %mx = maxpool2d(%r) {kernel = [2, 2], strides = [1, 1]} : tensor<?x2x2x2xf32>
          %sum = add(%a, %mx) : tensor<?x2x2x2xf32>
          %d = sub(%sum, @k) : tensor<?x2x2x2xf32>
          %e = mul(%d, %a) : tensor<?x2x2x2xf32>
          %t = transpose(%e) {perm = [0, 2, 3, 1]} : tensor<?x2x2x2xf32>
          %f0 = reshape(%t) {shape = [8]} : tensor<?x8xf32>
          %f = permute(%f0) {axis = 1, perm = [7, 0, 6, 1, 5, 2, 4, 3]} : tensor<?x8xf32>
          %g = dense(%f, @fw) : tensor<?x3xf32>
          %sg = sigmoid(%g) : tensor<?x3xf32>
          %th = tanh(%sg) : tensor<?x3xf32>
          %sm = softmax(%th) {axis = 1} : tensor<?x3xf32>
          %am = argmax(%sm) {axis = 1} : tensor<?xi64>
          %gp = global_avgpool(%e) : tensor<?x2x1x1xf32>
          %q = poly(%gp) {coeffs = [3.0]} : tensor<?x2x1x1xf32>
          %z = mul(%e, %q) : tensor<?x2x2x2xf32>
          return %sm, %am, %z
        }
        """
        let graph = try Graph(parsing: text)
        try graph.verify()
        #expect(Set(graph.operations.map(\.kind)) == Set(OpKind.allCases))
        let reimported = try ONNXImporter.importModel(bytes: try ONNXExporter.export(graph), path: "all_ops.onnx", baseDirectory: nil)
        let inputs = ExportCorpus.inputs(for: graph)
        let expected = try Interpreter(graph).run(inputs)
        let actual = try Interpreter(reimported).run(["x": try #require(inputs["x"])])
        for (mine, theirs) in zip(graph.outputs, reimported.outputs) {
            let a = try #require(expected[mine]), b = try #require(actual[theirs])
            let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) - 1e-9 * (1 + abs($0)) }.max() ?? 0
            #expect(a.shape == b.shape && worst <= 0, "output \(mine) differs by \(worst)")
        }
    }

    @Test func elidedWeightsCannotBeExported() throws {
        let graph = try Graph(parsing: """
        hepir 1
        model @m

        const @w : tensor<2x2xf32> = elided

        graph(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>) {
          %y = dense(%x, @w) : tensor<?x2xf32>
          return %y
        }
        """)
        #expect(throws: FrontendError.cannotExport(reason: "constant @w was elided; load the model with its weights")) {
            _ = try ONNXExporter.export(graph)
        }
    }

    @Test func writeIsAtomicAndFailuresAreOneLine() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_square.onnx")).graph
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.onnx").path
        try ONNXExporter.write(graph, to: path)
        #expect(try ONNXImporter.importModel(at: path).operations.count == graph.operations.count)
        do {
            try ONNXExporter.write(graph, to: directory.appendingPathComponent("missing/dir/m.onnx").path)
            Issue.record("expected a write failure")
        } catch {
            #expect(!error.description.contains("\n"))
        }
    }
}
