import Foundation
import HepexcDriver
import HepexcIR
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// `compile --conv` (issue 17): the golden packed CryptoNets plan, the cost
/// model's choice between packing and Toeplitz tiles, the fallback and the
/// forced-packing error, and HE-PEx sparsity counted in the packed terms.
@Suite struct ConvPackingChoiceTests {
    static let cryptonets = TestPaths.path("models/mnist_cryptonets.onnx")

    @Test func packedCryptoNetsMatchesGolden() throws {
        var options = PlanCompiler.Options(t1: 16, t2: 16)
        options.packed = true
        let (plan, _) = try PlanRunner.compile(Self.cryptonets, options: options)
        let dump = PlanReport(plan).text
        let checks = try String(contentsOfFile: TestPaths.path("Tests/DriverTests/LoweringGolden/cryptonets_packed.check"),
                                encoding: .utf8)
        let failures = FileCheck.run(checks, on: dump)
        #expect(failures.isEmpty, "\(failures.map { $0.description }.joined(separator: "; "))\n--- plan dump ---\n\(dump)")
    }

    static func compile(_ model: String, batch: Int?, conv: ConvPacking, tile: TileChoice = .fixed(t1: 16, t2: 16)) throws(DriverError) -> Compilation.Outcome {
        var request = CompileRequest(model: model, tile: tile, batch: batch, quiet: true)
        request.conv = conv
        return try Compilation.run(request)
    }

    @Test func autoKeepsToeplitzForOneImageAndPacksABatchTheTilesCannotHold() throws {
        let single = try Self.compile(Self.cryptonets, batch: 1, conv: .auto)
        #expect(single.plan.tile[0] == 16 && single.plan.layers.allSatisfy { $0.kind != "packed" })
        #expect(single.convolution?.hasPrefix("Toeplitz tiles chosen over convolution packing") == true, "\(single.convolution ?? "-")")

        let batch = try Self.compile(Self.cryptonets, batch: 8192, conv: .auto)
        #expect(batch.plan.tile == [1, 1, 8192] && batch.plan.layers.map(\.kind).filter { $0 == "packed" }.count == 3)
        #expect(batch.convolution?.hasPrefix("convolution packing chosen") == true, "\(batch.convolution ?? "-")")

        // Forced either way, the note is absent and the flag wins.
        #expect(try Self.compile(Self.cryptonets, batch: 1, conv: .packed).plan.tile == [1, 1, 8192])
        let toeplitz = try Self.compile(Self.cryptonets, batch: nil, conv: .toeplitz)
        #expect(toeplitz.plan.tile[0] == 16 && toeplitz.convolution == nil)
    }

    @Test func modelsWithoutConvolutionKeepTheirTiles() throws {
        let outcome = try Self.compile(TestPaths.path("models/digits_mlp_square.onnx"), batch: 16, conv: .auto)
        #expect(outcome.plan.tile[0] == 16 && outcome.convolution == nil)
    }

    /// A dense model too wide to pack (65,537 input ciphertexts per batch).
    static func wideModel() throws -> String {
        let features = PlanCompiler.maximumPackedInputs + 1
        var graph = Graph(name: "wide", inputs: [GraphInput(name: "x", type: TensorType([nil, features]))])
        graph.constants["w"] = Constant(Tensor(shape: [1, features], scalars: [Double](repeating: 0.001, count: features)))
        graph.operations = [Operation(result: "y", kind: .dense, operands: [.value("x"), .constant("w")], type: TensorType([nil, 1]))]
        graph.outputs = ["y"]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-wide-\(UUID().uuidString).hepir").path
        try graph.printed(PrintOptions(weights: .all)).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func forcedPackingRefusesWhatItCannotTakeAndAutoFallsBack() throws {
        let path = try Self.wideModel()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(PlanCompiler.packingObstacle(try PlanRunner.lower(try PlanRunner.loadForCompilation(path))) != nil)
        do {
            _ = try Self.compile(path, batch: nil, conv: .packed)
            Issue.record("--conv packed accepted 65,537 input ciphertexts")
        } catch {
            #expect(error.userMessage(limit: 300).contains("--conv packed: 65537 input features"), "\(error.userMessage(limit: 300))")
        }
    }

    /// HE-PEx on the packed CNN: a pruned conv weight removes exactly the
    /// products it would feed — the packed layer's terms are the non-zero
    /// weights times the output positions whose window holds their input.
    @Test func prunedConvolutionTermsAreTheSurvivingWeightsInsideTheImage() throws {
        var graph = try PlanRunner.loadForCompilation(Self.cryptonets)
        try PassManager(parsing: "prune{ratio=0.6}").run(on: &graph)
        var options = PlanCompiler.Options(t1: 16, t2: 16)
        options.packed = true
        let plan = try PlanRunner.compile(graph, options: options)
        guard case .packed(let conv) = plan.layers[0],
              let op = graph.operations.first(where: { $0.kind == .conv2d }),
              case .constant(let weightName) = op.operands[1], let weight = graph.constants[weightName]?.value else {
            Issue.record("no packed conv layer"); return
        }
        let (channelsOut, channelsIn, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let strides = op.attributes["strides"]?.intsValue ?? [1, 1], pads = op.attributes["pads"]?.intsValue ?? [0, 0, 0, 0]
        let (height, width) = (28, 28)
        let outH = (height + pads[0] + pads[2] - kh) / strides[0] + 1, outW = (width + pads[1] + pads[3] - kw) / strides[1] + 1
        var expected = 0
        for o in 0..<channelsOut {
            for y in 0..<outH {
                for x in 0..<outW {
                    for i in 0..<channelsIn {
                        for dy in 0..<kh {
                            for dx in 0..<kw where weight.scalars[((o * channelsIn + i) * kh + dy) * kw + dx] != 0 {
                                let (iy, ix) = (y * strides[0] + dy - pads[0], x * strides[1] + dx - pads[1])
                                if iy >= 0, iy < height, ix >= 0, ix < width { expected += 1 }
                            }
                        }
                    }
                }
            }
        }
        #expect(conv.termCount == expected, "\(conv.termCount) terms, \(expected) expected")
        let cost = plan.layerCosts()[0]
        #expect(cost.tilesStored == expected && cost.ops.constantMultiplies == expected)
        #expect(cost.tileSparsity > 0.969, "pruning raised the sparsity of the terms this packing runs: \(cost.tileSparsity)")
    }
}
