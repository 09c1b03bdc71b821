import HepexcIR
import Testing

@Suite("Textual IR performance")
struct PerformanceTests {
    /// An MNIST-sized layer: a 784×256 weight matrix printed in full.
    private static func mnistLayer() -> Graph {
        var rng = SystemRandomNumberGenerator()
        let weights = (0..<(256 * 784)).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
        return Graph(
            name: "mnist_fc1",
            constants: ["fc1.weight": Constant(Tensor(shape: [256, 784], scalars: weights))],
            inputs: [GraphInput(name: "x", type: TensorType([nil, 784]))],
            operations: [Operation(result: "y", kind: .dense, operands: [.value("x"), .constant("fc1.weight")],
                                   type: TensorType([nil, 256]))],
            outputs: ["y"])
    }

    @Test("Printing and parsing a 784×256 constant is linear and fast")
    func largeConstant() throws {
        let graph = Self.mnistLayer()
        let clock = ContinuousClock()
        var text = ""
        let printing = clock.measure { text = graph.printed(PrintOptions(weights: .all)) }
        var parsed: Graph?
        let parsing = try clock.measure { parsed = try Graph(parsing: text) }
        #expect(parsed == graph)
        // Release builds take well under a second for both; the bound leaves
        // room for unoptimised test builds on a busy machine.
        #expect(printing + parsing < .seconds(20), "printing \(printing), parsing \(parsing)")
        print("784×256 constant: \(text.utf8.count) bytes, printed in \(printing), parsed in \(parsing)")
    }
}
