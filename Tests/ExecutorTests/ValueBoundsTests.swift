import Foundation
import HepexcData
@testable import HepexcDriver
import HepexcExecutor
import HepexcIR
@testable import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Value bounds (issue 14 §1): values that outgrow the CKKS modulus turn
/// into garbage without any error, so the compiler sizes the plan for its
/// values and refuses what it cannot hold, the client refuses inputs outside
/// the compiled range, and decrypted outputs beyond their bound are errors.
@Suite struct ValueBoundsTests {
    static let digits = TestPaths.path("models/digits_mlp_square.onnx")

    static func dataset(_ rows: [[Double]], labels: [Int]? = nil) -> Dataset {
        Dataset(inputs: Tensor(shape: [rows.count, rows.first?.count ?? 0], scalars: rows.flatMap { $0 }),
                labels: labels, source: .init(path: "rows", format: .npz))
    }

    /// Known answer: one dense layer, inputs in 0…1.
    @Test func intervalBoundsOfADenseLayer() {
        let weight = Tensor(shape: [2, 2], scalars: [1, -2, 0.5, 0.5])
        let bounds = PlanCompiler.valueBounds([.dense(name: "d", weight: weight, bias: Tensor(shape: [2], scalars: [1, 0]))],
                                              features: 2, inputRange: 0...1, calibration: nil)
        // Partial sums of row 0 stay within 1 + |1|·1 + |−2|·1 = 4; row 1 within 1.
        #expect(bounds.layerMaxima.count == 1 && bounds.layerMaxima[0] <= 4 + 1e-12)
        let square = PlanCompiler.polynomialRange([0, 0, 1], -2, 3)
        #expect(square == 0...9)
    }

    /// Property: on inputs inside the range, no layer ever exceeds its bound.
    @Test func boundsHoldOnInputsInTheRange() throws {
        let graph = PlanTestSupport.mlp([16, 12, 8, 4], seed: 7)
        let plan = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 11, insecure: true)).compile(graph)
        let bounds = try #require(plan.bounds)
        var rng = SplitMix64(seed: 99)
        let rows = (0..<200).map { _ in (0..<16).map { _ in Double.random(in: -1...1, using: &rng) } }
        let outputs = try PlanRunner.simulate(plan, rows: rows)
        let largest = outputs.flatMap { $0 }.map(abs).max() ?? 0
        #expect(largest <= bounds.outputMaximum, "\(largest) > \(bounds.outputMaximum)")
    }

    /// A weight of 1e10 cannot be held by any prime tier: refused, naming the layer.
    @Test func hugeWeightsAreRefusedAtCompileTime() throws {
        var graph = PlanTestSupport.mlp([8, 4], seed: 3)
        graph.constants["w0"] = Constant(Tensor(shape: [4, 8], scalars: (0..<32).map { $0 == 5 ? 1e10 : 0.1 }))
        #expect {
            _ = try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 11, insecure: true)).compile(graph)
        } throws: { error in
            "\(error)".contains("%d0") && "\(error)".contains("at most 2^")
        }
    }

    @Test func calibrationTightensTheBounds() throws {
        let graph = try ModelLoader.load(Self.digits).graph
        let data = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz"))
        let rows = try PlanRunner.featureRows(data, features: 64)
        let plain = try PlanCompiler(options: .init(t1: 16, t2: 16)).compile(graph)
        var options = PlanCompiler.Options(t1: 16, t2: 16)
        options.calibration = rows
        let calibrated = try PlanCompiler(options: options).compile(graph)
        let (a, b) = (try #require(plain.bounds), try #require(calibrated.bounds))
        #expect(b.source == "calibration" && (b.inputLower, b.inputUpper) == (0, 1))
        #expect(b.outputMaximum <= a.outputMaximum)
    }

    /// The client refuses an out-of-range sample (one would ruin the 63
    /// others of its ciphertext), naming it; `clip` clips instead.
    @Test func outOfRangeInputsAreRefusedOrClipped() throws {
        let (plan, _) = try PlanRunner.compile(Self.digits, options: .init(t1: 1, t2: 64))
        var rows = (0..<4).map { _ in [Double](repeating: 0.5, count: 64) }
        rows[2][17] = 1000
        #expect {
            _ = try PlanRunner.run(plan, on: Self.dataset(rows), backend: .simulated)
        } throws: { error in
            "\(error)".contains("sample 2, feature 17") && "\(error)".contains("--clip-inputs")
        }
        let report = try PlanRunner.run(plan, on: Self.dataset(rows), backend: .simulated, clipInputs: true)
        #expect(report.clippedInputs == 1)
    }

    /// A decrypted output beyond the compiled bound is an error, not a result.
    @Test func outputsBeyondTheBoundAreErrors() throws {
        var (plan, _) = try PlanRunner.compile(Self.digits, options: .init(t1: 1, t2: 64))
        let count = plan.layers.count
        plan.bounds = ValueBounds(inputLower: 0, inputUpper: 1, layerMaxima: Array(repeating: 1e-6, count: count), source: "test")
        let rows = [[Double](repeating: 0.5, count: 64)]
        #expect {
            _ = try PlanRunner.run(plan, on: Self.dataset(rows), backend: .simulated)
        } throws: { error in
            "\(error)".contains("may be wrong")
        }
    }

    /// The simulated backend models CKKS overflow: inputs ×1000 on a plan
    /// without recorded bounds fail instead of giving garbage.
    @Test func theSimulationDetectsOverflow() throws {
        var (plan, _) = try PlanRunner.compile(Self.digits, options: .init(t1: 1, t2: 64))
        plan.bounds = nil
        let rows = (0..<2).map { _ in [Double](repeating: 1000, count: 64) }
        #expect {
            _ = try PlanRunner.simulate(plan, rows: rows)
        } throws: { error in
            "\(error)".contains("overflow")
        }
        #expect(try PlanRunner.simulate(plan, rows: [[Double](repeating: 0.5, count: 64)]).count == 1)
    }

    /// A crafted plan whose recorded range admits inputs it cannot hold
    /// (here: no bounds at all) is refused by the client's exact-arithmetic
    /// check before anything is encrypted, never run into garbage.
    @Test func aPlanThatCannotHoldTheInputsIsRefusedBeforeEncrypting() throws {
        var (plan, _) = try PlanRunner.compile(Self.digits, options: .init(t1: 1, t2: 64))
        plan.bounds = nil
        let rows = (0..<2).map { _ in [Double](repeating: 1000, count: 64) }
        #expect {
            _ = try PlanRunner.run(plan, on: Self.dataset(rows), backend: .ckks)
        } throws: { error in
            "\(error)".contains("cannot hold these inputs, so nothing was encrypted") && "\(error)".contains("overflow")
        }
    }

    /// A plan whose log-scale does not match its primes is invalid.
    @Test func inconsistentLogScaleIsRefused() throws {
        var (plan, _) = try PlanRunner.compile(Self.digits, options: .init(t1: 1, t2: 64))
        plan.parameters.logScale = 50
        #expect(throws: PlanError.self) { try plan.validate() }
    }
}
