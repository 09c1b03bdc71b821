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
        let producers = graph.producerIndices
        var fused = Set<Int>()
        for index in graph.operations.indices {
            let add = graph.operations[index]
            guard add.kind == .add, case .value(let source) = add.operands[0], case .constant(let addendName) = add.operands[1],
                  let producerIndex = graph.soleLinearProducer(of: source, producers: producers, users: users),
                  !fused.contains(producerIndex), let addend = graph.constants[addendName]?.value else { continue }
            var producer = graph.operations[producerIndex]
            guard let channels = producer.type.dimensions[1],
                  var bias = Self.perChannel(addend, channels: channels, rank: producer.type.rank) else { continue }
            if let existing = producer.biasName {
                guard let old = graph.constants[existing]?.value else { continue }
                bias.scalars = zip(old.scalars, bias.scalars).map { $0 + $1 }
            }
            let name = graph.constantName(reusing: addendName, suffix: "fused")
            graph.constants[name] = Constant(bias)
            producer.setBias(name)
            producer.result = add.result
            graph.operations[index] = producer
            fused.insert(producerIndex)
        }
        graph.finishFusion(removing: fused)
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
}
