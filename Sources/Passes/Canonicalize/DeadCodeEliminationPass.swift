public import HepexcIR

/// `dce`: removes operations whose results nothing reads and constants no
/// operation reads. Graph outputs are always live.
public struct DeadCodeEliminationPass: Pass {
    public static let name = "dce"
    public static let summary = "remove unused operations and constants"

    public init(options: [String: String]) throws(PassError) { try Self.checkKeys(options) }
    public init() { }

    public func run(on graph: inout Graph) throws(PassError) {
        var live = Set(graph.outputs)
        var keep = Array(repeating: false, count: graph.operations.count)
        for index in graph.operations.indices.reversed() where live.contains(graph.operations[index].result) {
            keep[index] = true
            live.formUnion(graph.operations[index].valueOperands)
        }
        graph.operations = graph.operations.indices.filter { keep[$0] }.map { graph.operations[$0] }
        var used = Set<String>()
        for operation in graph.operations {
            for case .constant(let name) in operation.operands { used.insert(name) }
        }
        graph.constants = graph.constants.filter { used.contains($0.key) }
    }
}
