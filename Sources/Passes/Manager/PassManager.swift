public import HepexcIR

/// Runs a pipeline, verifying the graph after every pass.
public struct PassManager: Sendable {
    public var pipeline: PassPipeline
    /// Called after each pass with its name and the graph (for
    /// `--print-ir-after-all`).
    public var afterPass: (@Sendable (String, Graph) -> Void)?

    public init(pipeline: PassPipeline, afterPass: (@Sendable (String, Graph) -> Void)? = nil) {
        self.pipeline = pipeline
        self.afterPass = afterPass
    }

    public init(parsing text: String) throws(PassError) {
        self.init(pipeline: try PassPipeline(parsing: text))
    }

    /// Runs every pass in order on `graph`.
    /// - Throws: `PassError.failed` or `.verificationFailed` naming the pass
    ///   and its position; `graph` then holds the state before that pass.
    public func run(on graph: inout Graph) throws(PassError) {
        for (index, pass) in pipeline.passes.enumerated() {
            let name = type(of: pass).name
            var candidate = graph
            do {
                try pass.run(on: &candidate)
            } catch {
                if case .failed = error { throw error }
                throw .failed(pass: name, position: index + 1, reason: error.description)
            }
            do {
                try candidate.verify()
            } catch {
                throw .verificationFailed(pass: name, position: index + 1, error: error)
            }
            graph = candidate
            afterPass?(name, graph)
        }
    }
}
