public import HepexcIR

/// A graph compiled for training: one ``Layer`` per operation, the
/// parameters in `Float`, forward and backward passes.
///
/// The forward pass computes what the reference ``Interpreter`` computes (in
/// single precision). Parameters are written back into the graph by
/// ``exportedGraph()``.
public final class Network {
    /// How to turn a graph into a network.
    public struct Options: Sendable {
        /// Re-initialise every dense/conv weight and bias (PyTorch's default
        /// uniform ±1/√fan-in) and batch-norm parameters; elided weights are
        /// then allowed.
        public var initialize: Bool
        /// Keep polynomial coefficients fixed.
        public var freezePolynomials: Bool
        /// The value the loss reads (default: the first output).
        public var output: String?
        /// Seed for initialisation.
        public var seed: UInt64

        /// Options; see the properties.
        public init(initialize: Bool = false, freezePolynomials: Bool = false, output: String? = nil, seed: UInt64 = 0) {
            self.initialize = initialize
            self.freezePolynomials = freezePolynomials
            self.output = output
            self.seed = seed
        }
    }

    /// The graph the network was built from (its weights are not updated; see ``exportedGraph()``).
    public let graph: Graph
    /// The graph input.
    public let input: GraphInput
    /// The value the forward pass ends at.
    public let output: String
    let layers: [any Layer]
    /// Distinct parameters, in first-use order.
    let parameters: [Parameter]
    private let needsGradient: [String: Bool]

    /// Builds the layers for every operation `output` depends on.
    /// - Throws: ``TrainingError`` for several inputs, an unsupported
    ///   operation, elided weights (without `initialize`) or a bad mask.
    public init(_ graph: Graph, options: Options = Options()) throws(TrainingError) {
        do { try graph.verify() } catch { throw .ir(error) }
        guard graph.inputs.count == 1, let input = graph.inputs.first else {
            throw .unsupportedGraph("training needs exactly one graph input, the model has \(graph.inputs.count)")
        }
        let output = options.output ?? graph.outputs[0]
        guard let last = graph.operations.firstIndex(where: { $0.result == output }) else {
            throw .unsupportedGraph("%\(output) is not computed by an operation")
        }
        var builder = NetworkBuilder(graph: graph, options: options)
        var layers: [any Layer] = []
        var needs: [String: Bool] = [input.name: false]
        for operation in graph.operations[...last] {
            let layer = try builder.layer(for: operation)
            layers.append(layer)
            let trains = layer.parameters.contains { $0.isTrainable }
            needs[operation.result] = trains || operation.valueOperands.contains { needs[$0] ?? false }
        }
        self.graph = graph
        self.input = input
        self.output = output
        self.layers = layers
        self.parameters = builder.parameters
        self.needsGradient = needs
        for parameter in parameters { parameter.applyMask() }
    }

    /// The number of trainable scalars.
    public var trainableParameterCount: Int {
        parameters.filter(\.isTrainable).reduce(0) { $0 + $1.values.count }
    }

    /// Runs the layers on a batch `[B, …]` and returns the output value.
    func forward(_ x: TrainingTensor, mode: LayerMode) -> TrainingTensor {
        var values: [String: TrainingTensor] = [input.name: x]
        var result = x
        for layer in layers {
            let operands = layer.operation.valueOperands.compactMap { values[$0] }
            result = layer.forward(operands, mode: mode)
            values[layer.operation.result] = result
        }
        return result
    }

    /// Back-propagates `gradient` (dLoss/dOutput) and accumulates every
    /// parameter's gradient. Call ``zeroGradients()`` before each batch.
    func backward(_ gradient: TrainingTensor) {
        var gradients: [String: TrainingTensor] = [output: gradient]
        for layer in layers.reversed() {
            guard let incoming = gradients.removeValue(forKey: layer.operation.result) else { continue }
            let operands = layer.operation.valueOperands
            let needed = operands.map { needsGradient[$0] ?? false }
            let results = layer.backward(incoming, needed: needed)
            for (name, result) in zip(operands, results) {
                guard let result, needsGradient[name] == true else { continue }
                if var existing = gradients[name] {
                    for index in existing.values.indices { existing.values[index] += result.values[index] }
                    gradients[name] = existing
                } else {
                    gradients[name] = result
                }
            }
        }
    }

    func zeroGradients() {
        for parameter in parameters where parameter.isTrainable { parameter.zeroGradient() }
    }

    /// The graph with the current parameters written back (as `Double`,
    /// rounded to each constant's element type) and polynomial coefficients
    /// updated.
    public func exportedGraph() -> Graph {
        var graph = self.graph
        for parameter in parameters {
            switch parameter.origin {
            case .constant(let name):
                guard let constant = graph.constants[name] else { continue }
                let tensor = Tensor(shape: parameter.shape, scalars: parameter.values.map(Double.init),
                                    elementType: constant.type.elementType)
                graph.constants[name] = Constant(tensor, attributes: constant.attributes)
            case .polynomial(let result):
                guard parameter.isTrainable, let index = graph.operations.firstIndex(where: { $0.result == result }) else { continue }
                graph.operations[index].attributes["coeffs"] = .floats(parameter.values.map(Double.init))
            }
        }
        return graph
    }
}
