import HepexcDriver
import HepexcFrontend
import HepexcIR
import HepexcPasses
import Testing

/// What the importer and the import pipeline make of specific exporter patterns.
@Suite struct ONNXImportStructureTests {
    func load(_ file: String, canonicalize: Bool = true, passes: String? = nil) throws -> Graph {
        try ModelLoader.load(FixtureManifest.directory + "/" + file, canonicalize: canonicalize, passes: passes).graph
    }

    @Test func pytorchBatchReshapeSubgraphIsFolded() throws {
        for opset in [9, 13, 17] {
            let graph = try load("torch_mlp_view_opset\(opset).onnx")
            #expect(graph.operations.map(\.kind) == [.reshape, .dense, .poly, .dense], "opset \(opset)")
            #expect(graph.operations[0].attributes["shape"] == .ints([64]))
            #expect(graph.inputs.first?.type.dimensions.first == .some(nil), "the batch must be dynamic")
        }
    }

    @Test func polynomialChainBecomesOnePolyOp() throws {
        let graph = try load("torch_poly_activation.onnx")
        let polys = graph.operations.filter { $0.kind == .poly }
        #expect(polys.count == 1)
        let coefficients = try #require(polys.first?.attributes["coeffs"]?.doublesValue)
        #expect(coefficients.count == 3)
        for (actual, expected) in zip(coefficients, [0.5, 0.25, 0.125]) { #expect(abs(actual - expected) < 1e-7) }
    }

    @Test func squareViaMulIsAPoly() throws {
        let graph = try load("torch_square.onnx")
        #expect(graph.operations.map(\.kind) == [.dense, .poly])
        #expect(graph.operations[1].attributes["coeffs"] == .floats([0, 0, 1]))
    }

    @Test func withoutCanonicalizationTheRawOpsRemain() throws {
        let graph = try load("torch_square.onnx", canonicalize: false)
        #expect(graph.operations.contains { $0.kind == .mul })
    }

    @Test func matMulPlusAddFusesIntoDense() throws {
        let graph = try load("ops_matmul_add.onnx")
        #expect(graph.operations.map(\.kind) == [.dense])
        #expect(graph.operations[0].operands.count == 3)
    }

    @Test func batchNormIsImportedAndFoldedByThePass() throws {
        let raw = try load("torch_cnn_bn_eval.onnx")
        #expect(raw.operations.contains { $0.kind == .batchnorm })
        let folded = try load("torch_cnn_bn_eval.onnx", passes: "fold-bn")
        #expect(!folded.operations.contains { $0.kind == .batchnorm })
        #expect(folded.operations.first?.kind == .conv2d)
    }

    @Test func initializersListedAsInputsAreWeights() throws {
        let graph = try load("helper_initializers_as_inputs.onnx")
        #expect(graph.inputs.count == 1)
        #expect(graph.parameterCount == 1210)
    }

    @Test func sklearnZipMapTailKeepsNumericOutputs() throws {
        let graph = try load("skl_mlp_zipmap.onnx")
        #expect(graph.outputs.count == 2)
        #expect(graph.operations.contains { $0.kind == .relu })
        #expect(graph.operations.last { $0.kind == .argmax } != nil)
        let notes = graph.metadata["notes"]?.stringValue ?? ""
        #expect(notes.contains("ZipMap"))
    }

    @Test func linearClassifierBecomesDenseAndSoftmax() throws {
        let graph = try load("skl_logreg_nozipmap.onnx")
        #expect(Set(graph.operations.map(\.kind)) == [.dense, .softmax, .argmax])
    }

    @Test func nonHEFriendlyOperatorsAreFlagged() throws {
        let summary = ModelSummary(try load("ops_activations.onnx"))
        #expect(Set(summary.notHEFriendly.map(\.op)) == ["relu", "sigmoid", "tanh"])
        #expect(summary.notHEFriendly.allSatisfy { !$0.advice.isEmpty })
    }

    @Test func importedIRRoundTripsThroughText() throws {
        for fixture in FixtureManifest.valid {
            let graph = try load(fixture.file)
            let text = graph.printed(PrintOptions(weights: .all))
            let reparsed = try Graph(parsing: text, file: fixture.file)
            #expect(reparsed == graph, "\(fixture.file)")
            #expect(reparsed.printed(PrintOptions(weights: .all)) == text)
        }
    }
}
