public import HepexcIR

/// `fuse-bias`: folds `add(dense(...), @b)` into the dense bias and
/// `add(conv2d(...), @b)` with a per-channel `b` into the convolution bias
/// (MatMul + Add from exporters becomes one `dense`).
public struct FuseBiasPass: Pass {
    public static let name = "fuse-bias"
    public static let summary = "fold a constant add after dense/conv2d into its bias"

    public init(options: [String: String]) throws(PassError) { try Self.checkKeys(options) }
    public init() { }

    public func run(on graph: inout Graph) throws(PassError) {
        let users = graph.users
        let outputs = Set(graph.outputs)
        var producers: [String: Int] = [:]
        for (index, operation) in graph.operations.enumerated() { producers[operation.result] = index }
        var removed = Set<Int>()
        for index in graph.operations.indices {
            let add = graph.operations[index]
            guard add.kind == .add, case .value(let source) = add.operands[0], case .constant(let biasName) = add.operands[1],
                  let producerIndex = producers[source], !removed.contains(producerIndex),
                  users[source]?.count == 1, !outputs.contains(source),
                  let addend = graph.constants[biasName]?.value else { continue }
            var producer = graph.operations[producerIndex]
            guard producer.kind == .dense || producer.kind == .conv2d,
                  let channels = producer.type.dimensions[1],
                  let perChannel = Self.perChannel(addend, channels: channels, rank: producer.type.rank) else { continue }
            var bias = perChannel
            if producer.operands.count == 3 {
                guard case .constant(let existing) = producer.operands[2], let old = graph.constants[existing]?.value else { continue }
                bias.scalars = zip(old.scalars, perChannel.scalars).map { $0 + $1 }
            }
            let name = Self.replacementName(for: biasName, in: graph)
            graph.constants[name] = Constant(bias)
            if producer.operands.count == 3 { producer.operands[2] = .constant(name) } else { producer.operands.append(.constant(name)) }
            producer.result = add.result
            graph.operations[index] = producer
            removed.insert(producerIndex)
        }
        graph.operations = graph.operations.indices.filter { !removed.contains($0) }.map { graph.operations[$0] }
        try DeadCodeEliminationPass().run(on: &graph)
    }

    /// The addend as a `[channels]` vector if it broadcasts only along the
    /// channel axis (axis 1) of a rank-`rank` result.
    static func perChannel(_ tensor: Tensor, channels: Int, rank: Int) -> Tensor? {
        guard tensor.rank <= rank else { return nil }
        let aligned = Array(repeating: 1, count: rank - tensor.rank) + tensor.shape
        for (axis, size) in aligned.enumerated() where axis != 1 && size != 1 { return nil }
        let values: [Double]
        switch aligned[1] {
        case channels: values = tensor.scalars
        case 1: values = Array(repeating: tensor.scalars[0], count: channels)
        default: return nil
        }
        return Tensor(shape: [channels], scalars: values, elementType: tensor.elementType)
    }

    /// The addend's own name when nothing else reads it (it is replaced in
    /// place), otherwise a fresh suffixed name.
    static func replacementName(for base: String, in graph: Graph) -> String {
        let readers = graph.operations.filter { $0.operands.contains(.constant(base)) }.count
        if readers <= 1 { return base }
        var suffix = 1
        while graph.constants["\(base).\(suffix)"] != nil { suffix += 1 }
        return "\(base).\(suffix)"
    }
}
