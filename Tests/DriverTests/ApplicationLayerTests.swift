import HepexcDriver
import Testing
import _HepexcTestSupport

/// The application layer's contracts: the objective of `--tile auto`, the
/// one-line error messages, internal errors kept apart from input errors,
/// request validation.
@Suite struct ApplicationLayerTests {
    static let model = TestPaths.path("models/digits_mlp_square.onnx")

    /// Latency of one query is what the latency objective minimises; the
    /// throughput objective minimises time per sample. Each choice must be at
    /// least as good as the other's by its own measure (bug: auto used to
    /// optimise throughput even for single queries).
    @Test func theObjectiveDecidesTheAutomaticTile() throws {
        var request = CompileRequest(model: Self.model, tile: .auto, objective: .latency)
        let latency = try Compilation.run(request)
        request.objective = .throughput
        let throughput = try Compilation.run(request)
        #expect(latency.objective == .latency && throughput.objective == .throughput)
        func oneQuery(_ report: PlanReport) -> Double { report.estimatedSeconds + report.estimatedEncryptSeconds }
        func perSample(_ report: PlanReport) -> Double { oneQuery(report) / Double(report.batchPerCiphertext) }
        #expect(oneQuery(latency.plan) <= oneQuery(throughput.plan))
        #expect(perSample(throughput.plan) <= perSample(latency.plan))
        #expect(latency.text.contains("objective: latency of a batch of 1"))
        #expect(throughput.text.contains("objective: throughput"))
    }

    @Test func objectiveNeedsAutomaticTiles() {
        let request = CompileRequest(model: Self.model, tile: .fixed(t1: 16, t2: 16), objective: .latency)
        #expect(throws: DriverError.self) { try request.validate() }
        #expect(throws: DriverError.self) { try TileChoice.fixed(t1: 3, t2: 16).validate() }
        #expect(TileChoice(parsing: "auto") == .auto && TileChoice(parsing: "8X32") == .fixed(t1: 8, t2: 32))
        #expect(TileChoice(parsing: "0x4") == nil && TileChoice(parsing: "16") == nil)
        #expect(TileChoice.fixed(t1: 16, t2: 16).description == "16x16")
    }

    /// A message listing hundreds of problems stays one readable line.
    @Test func longMessagesAreCappedAndSummarised() {
        let problems = (1...300).map { "operator Foo on node 'n\($0)' is not supported" }.joined(separator: "; ")
        let message = DriverError.dataMismatch(problems).userMessage(limit: 300)
        #expect(!message.contains("\n"))
        #expect(message.count < 340)
        #expect(message.hasPrefix("operator Foo on node 'n1'"))
        #expect(message.hasSuffix("more"))
        let short = DriverError.dataMismatch("line one\nline two").userMessage()
        #expect(short == "line one line two")
    }

    /// Errors hepexc does not know are internal errors, never input errors.
    @Test func unknownErrorsAreInternal() {
        struct Surprise: Error {}
        guard case .internalError = DriverError(Surprise()) else {
            Issue.record("an unknown error became \(DriverError(Surprise()))")
            return
        }
        #expect(DriverError(Surprise()).description.hasPrefix("internal error"))
    }

    /// Compilation errors are said in the user's terms: no pass names.
    @Test func loweringErrorsDoNotNamePasses() throws {
        let request = CompileRequest(model: Self.model, tile: .fixed(t1: 8, t2: 8), firstForm: .d)
        do {
            _ = try Compilation.run(request)
            Issue.record("a Type-D first layer wider than t2 compiled")
        } catch {
            #expect(!error.description.contains("lower-to-plan"))
            #expect(!error.description.contains("#0"))
            #expect(error.description.contains("Type D"))
        }
    }
}

/// Control characters from files never reach the terminal raw.
@Suite struct TerminalTextTests {
    @Test func controlCharactersAreEscaped() {
        let name = "model\u{1B}[2J\u{0}\r"
        #expect(TerminalText.sanitized("plan \(name)\nnext\tline") == "plan model\\u{1B}[2J\\0\\r\nnext\tline")
        let message = DriverError.dataMismatch("bad \(name)").userMessage()
        #expect(!message.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }
}
