public import HepexcIR

/// `dce`: removes operations whose results nothing reads and constants no
/// operation reads. Graph outputs are always live.
public struct DeadCodeEliminationPass: Pass {
    public static let name = "dce"
    public static let summary = "remove unused operations and constants"

    public init(options: [String: String]) throws(PassError) { try Self.checkKeys(options) }
    public init() { }

    public func run(on graph: inout Graph) throws(PassError) {
        graph.eliminateDeadCode()
    }
}
