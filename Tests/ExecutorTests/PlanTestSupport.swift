import Foundation
import HepexcCKKS
import HepexcData
import HepexcDriver
import HepexcExecutor
import HepexcIR
import HepexcPasses
import HepexcPlan
import _HepexcTestSupport

/// Helpers shared by the plan tests.
enum PlanTestSupport {
    /// An MLP `sizes[0] → sizes[1] → …` with x² between layers, random
    /// f32-exact weights, a fraction `zeroTiles` of t×t tiles zeroed.
    static func mlp(_ sizes: [Int], seed: UInt64, zeroTiles: Double = 0, tile: Int = 4) -> Graph {
        var rng = SplitMix64(seed: seed)
        var graph = Graph(name: "mlp", inputs: [GraphInput(name: "x", type: TensorType([nil, sizes[0]]))])
        var current = "x"
        for layer in 0..<(sizes.count - 1) {
            let (n, m) = (sizes[layer], sizes[layer + 1])
            var weights = (0..<(m * n)).map { _ in Double(Float(Double.random(in: -0.5...0.5, using: &rng))) }
            if zeroTiles > 0 {
                for row in stride(from: 0, to: m, by: tile) {
                    for col in stride(from: 0, to: n, by: tile) where Double.random(in: 0..<1, using: &rng) < zeroTiles {
                        for o in row..<min(m, row + tile) { for i in col..<min(n, col + tile) { weights[o * n + i] = 0 } }
                    }
                }
            }
            let bias = (0..<m).map { _ in Double(Float(Double.random(in: -0.1...0.1, using: &rng))) }
            graph.constants["w\(layer)"] = Constant(Tensor(shape: [m, n], scalars: weights))
            graph.constants["b\(layer)"] = Constant(Tensor(shape: [m], scalars: bias))
            let dense = "d\(layer)"
            graph.operations.append(Operation(result: dense, kind: .dense, operands: [.value(current), .constant("w\(layer)"), .constant("b\(layer)")],
                                              type: TensorType([nil, m])))
            current = dense
            if layer < sizes.count - 2 {
                let act = "a\(layer)"
                graph.operations.append(Operation(result: act, kind: .poly, operands: [.value(current)],
                                                  attributes: ["coeffs": .floats([0, 0, 1])], type: TensorType([nil, m])))
                current = act
            }
        }
        graph.outputs = [current]
        return graph
    }

    static func randomInputs(_ count: Int, features: Int, seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: [count, features], scalars: (0..<(count * features)).map { _ in Double.random(in: -1...1, using: &rng) })
    }

    static func rows(_ tensor: Tensor) -> [[Double]] {
        let width = tensor.count / tensor.shape[0]
        return (0..<tensor.shape[0]).map { Array(tensor.scalars[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// Interpreter outputs of `graph` on `inputs` as rows.
    static func reference(_ graph: Graph, _ inputs: Tensor) throws -> [[Double]] {
        let input = graph.inputs[0]
        let shaped = inputs.reshaped([inputs.shape[0]] + input.type.dimensions.dropFirst().map { $0 ?? 0 })
        return rows(try Interpreter(graph).run(shaped)[0])
    }

    static func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        zip(a, b).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? .infinity
    }
}
