import Foundation
import HepexcCKKS
import HepexcData
import HepexcDriver
import HepexcExecutor
import HepexcIR
@testable import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Plans with bootstrap steps: the placement pass (known answers), the plan
/// format and its validation, and a square MLP compiled against a short chain
/// on a tiny INSECURE ring, run under CKKS against the float reference.
@Suite struct BootstrapPlanTests {
    // MARK: The placement pass's dynamic program

    @Test("placement: the fewest bootstrapped ciphertexts, then the fewest steps")
    func placementKnownAnswers() throws {
        // Four one-level layers, two levels per segment: one bootstrap after
        // layer 1 refreshes 3 ciphertexts; two after layers 0 and 2 refresh 2.
        let cheap = try #require(BootstrapPlacement.place(depths: [1, 1, 1, 1], live: [1, 3, 1, 1], levels: 2))
        #expect(cheap.after == [0, 2] && cheap.ciphertexts == 2 && cheap.count == 2)
        let one = try #require(BootstrapPlacement.place(depths: [1, 1, 1, 1], live: [1, 1, 1, 1], levels: 2))
        #expect(one.after == [1] && one.ciphertexts == 1)
        // Enough levels: none; a layer deeper than a segment: no placement.
        #expect(BootstrapPlacement.place(depths: [2, 1, 2], live: [1, 1, 1], levels: 5)?.after == [])
        #expect(BootstrapPlacement.place(depths: [1, 4, 1], live: [1, 1, 1], levels: 3) == nil)
        // Never after the last layer; the level budget is respected everywhere.
        let long = try #require(BootstrapPlacement.place(depths: [2, 1, 2, 1, 2, 1, 2], live: [4, 1, 4, 1, 4, 2, 4], levels: 3))
        #expect(long.after == [1, 3, 5] && long.ciphertexts == 4)
    }

    // MARK: A bootstrapped plan on a tiny ring

    /// x ↦ x² between three dense layers, weights scaled so values stay within ±1.
    static func squareMLP() -> Graph {
        var graph = PlanTestSupport.mlp([16, 16, 16, 8], seed: 31)
        for name in ["w0", "w1", "w2"] {
            if let weight = graph.constants[name]?.value {
                graph.constants[name] = Constant(Tensor(shape: weight.shape, scalars: weight.scalars.map { Double(Float($0 * 0.35)) }))
            }
        }
        return graph
    }

    static func compile(_ graph: Graph, levels: Int) throws -> Plan {
        // 16×16 tiles: one ciphertext per layer, two samples per ciphertext.
        var options = PlanCompiler.Options(t1: 16, t2: 16, logN: 10, insecure: true)
        options.bootstrap = BootstrapChoice.options(.auto, insecureLogN: 10, levelsAfter: levels)
        return try PlanRunner.compile(graph, options: options)
    }

    @Test("a 3-layer square MLP against a 3-level chain: bootstraps = the estimate, CKKS ≈ float within 1e-2")
    func squareMLPRunsEncryptedWithBootstraps() throws {
        let graph = Self.squareMLP()
        let plan = try Self.compile(graph, levels: 3)
        #expect(plan.depth > 3)
        #expect(plan.bootstraps && plan.levelAfterBootstrap == 3)
        let estimate = try #require(PlanCompiler.bootstrapEstimate(plan))
        #expect(estimate.count == plan.bootstrapSteps.count)
        #expect((1...2).contains(plan.bootstrapSteps.count))
        #expect(PlanReport(plan).bootstraps?.estimate == plan.bootstrapSteps.count)
        #expect(PlanReport(plan).text.contains("bootstraps: \(plan.bootstrapSteps.count) step"))
        // The bootstrap's keys are in the plan's list.
        let parameters = try CKKSParameters(plan.parameters.literal)
        let needed = try BootstrapStep.rotationSteps(try #require(plan.bootstrapSteps.first).runtimeParameters, parameters: parameters)
        #expect(Set(needed).isSubset(of: Set(plan.rotationSteps)))

        let inputs = PlanTestSupport.randomInputs(2, features: 16, seed: 32)
        let expected = try PlanTestSupport.reference(graph, inputs)
        let exact = try PlanRunner.simulate(plan, rows: PlanTestSupport.rows(inputs))
        #expect(PlanTestSupport.maxDifference(exact, expected) < 1e-6)
        let dataset = Dataset(inputs: inputs, source: .init(path: "random", format: .npz))
        let simulated = try PlanRunner.runCollectingOutputs(plan, on: dataset, backend: .simulated, threads: 1).outputs
        let (report, outputs) = try PlanRunner.runCollectingOutputs(plan, on: dataset, backend: .ckks, threads: 2)
        let simulatedError = PlanTestSupport.maxDifference(simulated, exact)
        print("bootstrapped square MLP: CKKS max error \(report.maxAbsError) (vs float \(PlanTestSupport.maxDifference(outputs, expected))), "
              + "simulated \(simulatedError), plan estimate \(plan.expectedMaxError)")
        #expect(report.maxAbsError < 1e-2, "max error \(report.maxAbsError)")
        #expect(PlanTestSupport.maxDifference(outputs, expected) < 1e-2)
        // The simulation adds the bootstrap's measured error (a bound: the
        // tiny ring bootstraps more precisely than N = 2^16's 15 bits).
        #expect(simulatedError > 0 && simulatedError < 1e-2)
        #expect(report.maxAbsError <= plan.expectedMaxError)
        #expect(report.ops == plan.estimatedOpCounts() * report.batchCiphertexts)
        #expect(report.ops.bootstraps == (estimate.ciphertexts) * report.batchCiphertexts)
        #expect(report.ops.bootstraps > 0)
    }

    @Test("an encapsulating bootstrapped plan is written as version 4, a dense-secret one as 3; older headers are refused")
    func formatVersion() throws {
        let plan = try Self.compile(Self.squareMLP(), levels: 3)
        #expect(plan.bootstrapSteps.allSatisfy { $0.ephemeralSecretWeight != nil })
        let bytes = try plan.serialized()
        #expect(bytes[8] == 4)
        #expect(try Plan(serialized: bytes) == plan)
        for version: UInt8 in [2, 3] {
            var old = [UInt8](bytes)
            old[8] = version
            // A version-3 reader would ignore the ephemeral weight and bootstrap wrong.
            #expect(throws: PlanError.self) { try Plan(serialized: Data(old)) }
        }
        var dense = plan
        dense.layers = plan.layers.map { layer in
            guard case .bootstrap(var step) = layer else { return layer }
            step.ephemeralSecretWeight = nil
            return .bootstrap(step)
        }
        let denseBytes = try dense.serialized()
        #expect(denseBytes[8] == 3)
        var older = [UInt8](denseBytes)
        older[8] = 2
        #expect(throws: PlanError.self) { try Plan(serialized: Data(older)) }
    }

    // MARK: Bad input

    @Test("hostile bootstrap settings are refused with one line")
    func hostileSettings() throws {
        let plan = try Self.compile(Self.squareMLP(), levels: 3)
        let index = try #require(plan.layers.firstIndex { if case .bootstrap = $0 { return true } else { return false } })
        guard case .bootstrap(let step) = plan.layers[index] else { return }
        let mutations: [(String, (inout BootstrapStep) -> Void)] = [
            ("degree", { $0.chebyshevDegree = 1 << 30 }), ("angles", { $0.doubleAngles = 1000 }),
            ("slots", { $0.slots = 3 }), ("levels", { $0.coeffToSlotLevels = 0 }),
            ("huge levels", { $0.slotToCoeffLevels = Int.max }), ("huge degree", { $0.chebyshevDegree = Int.max }),
            ("precision", { $0.precisionBits = .nan }), ("rotations", { $0.rotationSteps = Array(1...5000) }),
            ("range", { $0.modulusRange = -1 }),
        ]
        for (label, mutate) in mutations {
            var bad = plan
            var changed = step
            mutate(&changed)
            bad.layers[index] = .bootstrap(changed)
            bad.rotationSteps = Plan.rotationSteps(for: bad.layers, tile: bad.tile)
            do {
                try bad.validate()
                Issue.record("\(label): accepted")
            } catch {
                #expect(!"\(error)".contains("\n"), "\(label): \(error)")
            }
        }
        // A chain that cannot hold the bootstrap (all but two primes cut).
        var short = plan
        short.parameters.logQ = Array(plan.parameters.logQ.prefix(3))
        #expect(throws: PlanError.self) { try short.validate() }
        // A segment deeper than a bootstrap leaves.
        var merged = plan
        merged.layers.removeAll { if case .bootstrap = $0 { return true } else { return false } }
        merged.layers.insert(.bootstrap(step), at: 1)
        merged.bounds = nil
        #expect(throws: PlanError.self) { try merged.validate() }
    }

    @Test("missing conjugation or rotation keys, a ciphertext at the wrong level: clear errors")
    func missingKeysAndWrongLevel() throws {
        let plan = try Self.compile(Self.squareMLP(), levels: 3)
        let parameters = try CKKSParameters(plan.parameters.literal)
        let context = CKKSContext(parameters: parameters)
        var generator = KeyGenerator(context: context)
        let relinearization = generator.relinearizationKey()
        // The plan's rotations without conjugation, then conjugation with only the layers' rotations.
        let layerSteps = Plan.rotationSteps(for: plan.layers.filter { if case .bootstrap = $0 { return false } else { return true } },
                                            tile: plan.tile)
        for galois in [generator.galoisKeys(steps: plan.rotationSteps), generator.galoisKeys(steps: layerSteps, conjugation: true)] {
            let evaluator = try Evaluator(context: context, relinearizationKey: relinearization, galoisKeys: galois)
            let backend = CKKSBackend(context: context, evaluator: evaluator, encryptionKey: .secretKey(generator.secretKey),
                                      decryptor: try Decryptor(context: context, secretKey: generator.secretKey))
            do {
                _ = try PlanExecutor(plan: plan, backend: backend)
                Issue.record("an executor without bootstrapping keys was built")
            } catch let error as ExecutorError {
                #expect("\(error)".contains("conjugation") || "\(error)".contains("Galois key"), "\(error)")
            }
        }
        let executor = try PlanExecutor(plan: plan, backend: try CKKSBackend.clientAndServer(for: plan, threads: 1, relinearization: true))
        let layout = TileLayout(plan: plan)
        let fresh = try layout.encodeInput([[Double](repeating: 0.1, count: 16)]).map { slots in
            try executor.backend.encrypt(slots, level: plan.parameters.maxLevel, scale: executor.backend.defaultScale)
        }
        do {
            _ = try executor.run(fresh)
            Issue.record("an input at the top of the bootstrapping chain was accepted")
        } catch let error as ExecutorError {
            #expect("\(error)".contains("level"))
        }
    }

    @Test("--bootstrap off keeps the depth error; auto places bootstraps at N = 2^16 for a model deeper than any 128-bit chain")
    func autoAndOff() throws {
        // 24 squares: depth above 46 levels, more than N = 2^16 holds leveled.
        var graph = PlanTestSupport.mlp([8] + Array(repeating: 8, count: 24) + [4], seed: 41)
        for (name, constant) in graph.constants where name.hasPrefix("w") {
            guard let value = constant.value else { continue }
            graph.constants[name] = Constant(Tensor(shape: value.shape, scalars: value.scalars.map { Double(Float($0 * 0.2)) }))
        }
        var off = PlanCompiler.Options(t1: 8, t2: 8)
        off.bootstrap = nil
        #expect(throws: DriverError.self) { try PlanRunner.compile(graph, options: off) }
        var auto = off
        auto.bootstrap = BootstrapChoice.options(.auto, insecureLogN: nil, levelsAfter: nil)
        let plan = try PlanCompiler(options: auto).compile(graph)
        #expect(plan.parameters.logN == 16 && !plan.parameters.insecure && plan.bootstraps)
        #expect(PlanCompiler.bootstrapEstimate(plan)?.count == plan.bootstrapSteps.count)
        // The encapsulated bootstrap (depth 15) leaves room for 6–8 levels between bootstraps.
        #expect((6...8).contains(plan.levelAfterBootstrap), "levels between bootstraps \(plan.levelAfterBootstrap)")
    }

    @Test("interval bounds that overflow in a deep network give the whole line instead of a crash")
    func overflowingIntervals() {
        #expect(PlanCompiler.polynomialRange([0, 1, 0.125], .nan, 1) == -Double.infinity...Double.infinity)
        #expect(PlanCompiler.polynomialRange([0, 1, 0.125], -.infinity, .infinity) == -Double.infinity...Double.infinity)
        #expect(PlanCompiler.polynomialRange([0, 1, 0.125], -1e300, 1e300) == -Double.infinity...Double.infinity)
        #expect(PlanCompiler.polynomialRange([0, 1, 0.125], -1, 1) == -0.875...1.125)
    }

    @Test("the bundled deep MLP (depth 49) compiles with bootstraps at N = 2^16, 128-bit; simulated = float accuracy")
    func bundledDeepModel() throws {
        let graph = try ModelLoader.load(TestPaths.path("models/digits_mlp_deep16.onnx")).graph
        let dataset = try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz"))
        var options = PlanCompiler.Options(t1: 1, t2: 64)
        options.calibration = PlanTestSupport.rows(dataset.inputs)
        options.bootstrap = BootstrapChoice.options(.auto, insecureLogN: nil, levelsAfter: nil)
        let plan = try PlanRunner.compile(graph, options: options)
        #expect(plan.depth == 49 && plan.parameters.logN == 16 && plan.meetsSecurityStandard)
        // 8 levels between encapsulated bootstraps: 6 bootstraps (16 with the uniform secret's 3).
        #expect(plan.bootstrapSteps.count == 6 && PlanCompiler.bootstrapEstimate(plan)?.count == 6)
        #expect(plan.levelAfterBootstrap == 8 && plan.bootstrapDepth == 15)
        let rows = PlanTestSupport.rows(dataset.inputs)
        let expected = try PlanTestSupport.reference(graph, dataset.inputs)
        let exact = try PlanRunner.simulate(plan, rows: rows)
        #expect(PlanTestSupport.maxDifference(exact, expected) < 1e-3)
        let simulated = try PlanRunner.runCollectingOutputs(plan, on: dataset, backend: .simulated, threads: 1)
        let floatCorrect = zip(expected, dataset.labels ?? []).filter { row, label in row.indices.max { row[$0] < row[$1] } == label }.count
        #expect(abs((simulated.report.correct ?? 0) - floatCorrect) <= 2, "simulated \(simulated.report.correct ?? 0), float \(floatCorrect)")
    }
}

