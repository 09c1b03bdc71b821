import HepexcIR
import HepexcPasses
import Testing

@Suite struct PipelineTests {
    @Test func pipelineTextRoundTrips() throws {
        let pipeline = try PassPipeline(parsing: "canonicalize, fold-bn{strict=true},fuse-poly{max-degree=8}")
        #expect(pipeline.description == "fuse-poly,fuse-bias,dce,fold-bn{strict=true},fuse-poly{max-degree=8}")
        #expect(try PassPipeline(parsing: pipeline.description).description == pipeline.description)
        #expect(try PassPipeline(parsing: "").passes.isEmpty)
    }

    @Test func badPipelinesAreRejectedWithReasons() {
        #expect(throws: PassError.self) { try PassPipeline(parsing: "no-such-pass") }
        #expect(throws: PassError.self) { try PassPipeline(parsing: "fold-bn{strict=maybe}") }
        #expect(throws: PassError.self) { try PassPipeline(parsing: "fold-bn{colour=red}") }
        #expect(throws: PassError.self) { try PassPipeline(parsing: "fuse-poly{max-degree=0}") }
        #expect(throws: PassError.self) { try PassPipeline(parsing: "fold-bn{strict=true") }
        #expect(throws: PassError.self) { try PassPipeline(parsing: "fold-bn,,dce") }
        do {
            _ = try PassPipeline(parsing: "fold-bn{colour=red}")
        } catch {
            #expect(error.description.contains("colour") && error.description.contains("strict"))
        }
    }

    @Test func strictFoldBatchNormFailsWhenItCannotFold() throws {
        let text = """
        hepir 1
        model @m

        const @s : tensor<2xf32> = dense<[1.0, 2.0]>
        const @b : tensor<2xf32> = dense<[0.0, 1.0]>
        const @mu : tensor<2xf32> = dense<[0.5, 0.5]>
        const @var : tensor<2xf32> = dense<[1.0, 4.0]>

        graph(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>) {
          %0 = batchnorm(%x, @s, @b, @mu, @var) {epsilon = 1e-05} : tensor<?x2xf32>
          return %0
        }

        """
        var graph = try Graph(parsing: text)
        try PassManager(parsing: "fold-bn").run(on: &graph)
        #expect(graph.operations.map(\.kind) == [.batchnorm])
        #expect(throws: PassError.self) { try PassManager(parsing: "fold-bn{strict=true}").run(on: &graph) }
    }
}
