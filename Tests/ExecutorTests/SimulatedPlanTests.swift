import Foundation
import HepexcCKKS
import HepexcExecutor
import HepexcPlan
import Testing

/// Hand-built plans on the simulated backend against direct float math.
@Suite struct SimulatedPlanTests {
    static func backend(logN: Int, levels: Int) throws -> SimulatedBackend {
        let parameters = try CKKSParameters(.init(logN: logN, logQ: [60] + Array(repeating: 40, count: levels),
                                                  logP: [60], logScale: 40, insecure: true))
        return SimulatedBackend(slotCount: parameters.slotCount, moduli: parameters.ciphertextModuli.map { Double($0) },
                                defaultScale: parameters.defaultScale)
    }

    @Test func scalesStayFiniteThroughASquareMLP() throws {
        let backend = try Self.backend(logN: 8, levels: 4)
        let tile = TileShape(t1: 4, t2: 4, t3: 8)
        #expect(tile.slotCount == backend.slotCount)
        let w1 = (0..<16).map { Float($0 % 5) - 2 }
        let w2 = (0..<16).map { Float($0 % 3) - 1 }
        let layers: [PlanLayer] = [
            .fullyConnected(FullyConnectedLayer(name: "a", form: .typeA, inFeatures: 4, outFeatures: 4, gridRows: 1, gridCols: 1,
                                                tiles: [WeightTile(row: 0, col: 0, values: w1)], bias: [1, 2, 3, 4], isLast: false)),
            .polynomial(PolynomialLayer(name: "sq", coefficients: [0, 0, 1])),
            .fullyConnected(FullyConnectedLayer(name: "b", form: .typeB, inFeatures: 4, outFeatures: 4, gridRows: 1, gridCols: 1,
                                                tiles: [WeightTile(row: 0, col: 0, values: w2)], bias: nil, isLast: true)),
        ]
        let plan = Plan(model: "t", tile: tile, parameters: CKKSParameterChoice(logN: 8, logQ: [60, 40, 40, 40, 40], logP: [60], logScale: 40, insecure: true),
                        inputFeatures: 4, outputFeatures: 4, layers: layers,
                        rotationSteps: Plan.rotationSteps(for: layers, tile: tile), depth: 4)
        try plan.validate()
        let executor = try PlanExecutor(plan: plan, backend: backend)
        let sample: [Double] = [0.5, -1, 0.25, 2]
        let layout = TileLayout(plan: plan)
        let inputs = try layout.encodeInput([sample]).map { try backend.encrypt($0, level: backend.maxLevel, scale: backend.defaultScale) }
        let outputs = try executor.run(inputs)
        let decrypted = try outputs.map { tile -> [Double] in
            if case .cipher(let ct) = tile { return try backend.decrypt(ct) }
            if case .plain(let values) = tile { return values }
            return []
        }
        let result = layout.decodeOutput(decrypted, samples: 1)[0]
        // Direct: h = (W1·x + b)², y = W2·h with W2[o][n] = w2[n·4 + o] (Type B tile = Wᵀ block).
        var hidden = [Double](repeating: 0, count: 4)
        for o in 0..<4 {
            var sum = Double([1, 2, 3, 4][o])
            for n in 0..<4 { sum += Double(w1[o * 4 + n]) * sample[n] }
            hidden[o] = sum * sum
        }
        for o in 0..<4 {
            var expected = 0.0
            for n in 0..<4 { expected += Double(w2[n * 4 + o]) * hidden[n] }
            #expect(abs(result[o] - expected) < 1e-9, "output \(o): \(result[o]) vs \(expected)")
        }
    }
}
