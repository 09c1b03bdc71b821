import _HepexcTestSupport
import HepexcData
import HepexcIR
@testable import HepexcTraining
import Testing

@Suite("Trainer")
struct TrainerTests {
    /// A 64-32-10 MLP with a square activation (the digits model's shape).
    static func digitsMLP(seed: UInt64 = 3) throws -> Graph {
        var b = TestGraphBuilder(input: [64], seed: seed)
        let w1 = b.constant("fc1.weight", [32, 64], scale: 0.1)
        let b1 = b.constant("fc1.bias", [32], scale: 0.1)
        var x = try b.op(.dense, [b.inputOperand, w1, b1])
        x = try b.op(.poly, [x], ["coeffs": .floats([0, 0, 1])])
        let w2 = b.constant("fc2.weight", [10, 32], scale: 0.1)
        let b2 = b.constant("fc2.bias", [10], scale: 0.1)
        try b.op(.dense, [x, w2, b2])
        return b.graph
    }

    static func digits() throws -> Dataset {
        try DatasetLoader.load(path: TestPaths.path("models/data/digits_test.npz"))
    }

    @Test("a digits MLP trains from scratch to high accuracy in seconds")
    func digitsTrain() throws {
        let (training, held) = try Trainer.split(try Self.digits(), validationFraction: 0.25, seed: 1)
        let validation = try #require(held)
        let network = try Network(try Self.digitsMLP(), options: .init(initialize: true, seed: 1))
        let trainer = try Trainer(network: network, options: TrainingOptions(epochs: 40, batchSize: 32, learningRate: 3e-3))
        var events = 0
        let summary = try trainer.train(on: training, validation: validation) { _ in events += 1 }
        let last = try #require(summary.epochs.last)
        #expect(try #require(last.accuracy) >= 0.97)
        #expect(try #require(last.validationAccuracy) >= 0.9)
        #expect(events == 40 * (1 + (training.count + 31) / 32))
        // The exported graph evaluates the same in the reference interpreter.
        let exported = network.exportedGraph()
        let outputs = try Interpreter(exported).run(validation.inputs)
        let logits: [Double] = outputs[0].scalars
        var correct = 0
        let labels = try #require(validation.labels)
        for row in 0..<validation.count {
            let scores = Array(logits[(row * 10)..<(row * 10 + 10)])
            let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
            if best == labels[row] { correct += 1 }
        }
        let accuracy = Double(correct) / Double(validation.count)
        #expect(abs(accuracy - (last.validationAccuracy ?? 0)) <= 2.0 / Double(validation.count))
    }

    @Test("same seed, same result; another seed, another result")
    func determinism() throws {
        func run(_ seed: UInt64) throws -> Graph {
            let network = try Network(try Self.digitsMLP(), options: .init(initialize: true, seed: seed))
            let trainer = try Trainer(network: network, options: TrainingOptions(epochs: 2, batchSize: 16, optimizer: .sgd, seed: seed))
            _ = try trainer.train(on: try Self.digits().prefix(200))
            return network.exportedGraph()
        }
        #expect(try run(7) == run(7))
        #expect(try run(7) != run(8))
    }

    @Test("masked weights stay exactly zero (element and tile masks, SGD and Adam with weight decay)")
    func masksStayZero() throws {
        for optimizer in OptimizerKind.allCases {
            var graph = try Self.digitsMLP()
            let masked = try WeightMask.addMagnitudeMasks(to: &graph, ratio: 0.8)
            #expect(masked == Int((Double(32 * 64) * 0.8).rounded()) + 10 * 32 * 8 / 10)
            // Replace fc2's element mask by a tile mask over 4×8 tiles.
            let tiles = Tensor(shape: [3, 4], scalars: [1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1])
            graph.constants["fc2.weight.mask"] = Constant(tiles, attributes: ["granularity": .string("tile"), "tile": .ints([4, 8])])
            let network = try Network(graph)
            let trainer = try Trainer(network: network, options: TrainingOptions(epochs: 2, batchSize: 32, optimizer: optimizer,
                                                                                  learningRate: 0.01, weightDecay: 1e-3))
            _ = try trainer.train(on: try Self.digits())
            let trained = network.exportedGraph()
            let (count, nonZero) = try WeightMask.violations(in: trained)
            #expect(count > 1000)
            #expect(nonZero == 0)
            // Unmasked weights did train, and the masks survive a text round trip.
            #expect(trained.constants["fc1.weight"] != graph.constants["fc1.weight"])
            let reparsed = try Graph(parsing: trained.printed(PrintOptions(weights: .all)))
            #expect(reparsed == trained)
            #expect(try WeightMask.violations(in: reparsed).nonZero == 0)
            // Dead-code elimination keeps the masks of live weights.
            var pruned = reparsed
            pruned.eliminateDeadCode()
            #expect(pruned.constants["fc1.weight.mask"] != nil && pruned.constants["fc2.weight.mask"] != nil)
        }
    }

    @Test("tile masks expand over partial tiles; malformed masks are refused")
    func tileMasks() throws {
        var graph = try Self.digitsMLP()
        graph.constants["fc2.weight"]?.attributes["mask"] = .string("m")
        graph.constants["m"] = Constant(Tensor(shape: [3, 4], scalars: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
                                        attributes: ["granularity": .string("tile"), "tile": .ints([4, 8])])
        let mask = try #require(try WeightMask.elementMask(of: "fc2.weight", in: graph))
        #expect(mask.count == 320)
        #expect(mask[0] == 1 && mask[7] == 1 && mask[8] == 0)
        #expect(mask[9 * 32 + 31] == 1 && mask[9 * 32 + 23] == 0)
        graph.constants["m"] = Constant(Tensor(shape: [2, 4], scalars: Array(repeating: 1, count: 8)),
                                        attributes: ["granularity": .string("tile"), "tile": .ints([4, 8])])
        #expect(throws: TrainingError.self) { try WeightMask.elementMask(of: "fc2.weight", in: graph) }
        graph.constants["m"] = Constant(Tensor(shape: [10, 32], scalars: Array(repeating: 0.5, count: 320)))
        #expect(throws: TrainingError.self) { try WeightMask.elementMask(of: "fc2.weight", in: graph) }
    }

    @Test("one-call retraining keeps masks and reports per epoch")
    func oneCall() throws {
        var graph = try Self.digitsMLP()
        try WeightMask.addMagnitudeMasks(to: &graph, ratio: 0.5)
        let (trained, summary) = try Trainer.train(graph, on: try Self.digits(), options: TrainingOptions(epochs: 3))
        #expect(summary.epochs.count == 3 && summary.loss == "cross-entropy")
        #expect(try WeightMask.violations(in: trained) == (masked: 1184, nonZero: 0))
    }

    @Test("learning-rate schedules")
    func schedules() {
        #expect(LearningRateSchedule.constant.rate(epoch: 5, initial: 0.1) == 0.1)
        #expect(LearningRateSchedule.step(every: 2, gamma: 0.5).rate(epoch: 1, initial: 1) == 1)
        #expect(LearningRateSchedule.step(every: 2, gamma: 0.5).rate(epoch: 3, initial: 1) == 0.5)
        #expect(LearningRateSchedule.step(every: 2, gamma: 0.5).rate(epoch: 5, initial: 1) == 0.25)
        #expect(LearningRateSchedule.exponential(gamma: 0.9).rate(epoch: 3, initial: 1) == 0.81)
    }

    @Test("bad input: shape mismatch, labels out of range, empty data, NaN loss")
    func errors() throws {
        let network = try Network(try Self.digitsMLP())
        let trainer = try Trainer(network: network, options: TrainingOptions(epochs: 1))
        let source = Dataset.Source(path: "<memory>", format: .npz)
        let wrongShape = Dataset(inputs: Tensor(zeros: [4, 65]), labels: [0, 1, 2, 3], source: source)
        #expect(throws: TrainingError.shapeMismatch(expected: "[64]", found: [65])) { try trainer.train(on: wrongShape) }
        let badLabel = Dataset(inputs: Tensor(zeros: [3, 64]), labels: [0, 10, 2], source: source)
        #expect(throws: TrainingError.labelOutOfRange(index: 1, label: 10, classes: 10)) { try trainer.train(on: badLabel) }
        let digits = try Self.digits()
        #expect(throws: TrainingError.self) { try Trainer.split(digits.prefix(1), validationFraction: 0.5, seed: 0) }
        let huge = try Trainer(network: try Network(try Self.digitsMLP()),
                               options: TrainingOptions(epochs: 3, optimizer: .sgd, learningRate: 1e6))
        do {
            _ = try huge.train(on: digits)
            Issue.record("training with lr 1e6 should diverge")
        } catch {
            guard case .nonFiniteLoss(let epoch, _, let rate) = error else { Issue.record("\(error)"); return }
            #expect(epoch == 1 && rate == 1e6)
        }
        #expect(TrainingError.nonFiniteLoss(epoch: 1, batch: 2, learningRate: 1e6).description.contains("lower learning rate"))
        #expect(throws: TrainingError.self) { try Trainer(network: network, options: TrainingOptions(epochs: 0)) }
    }

    @Test("batch norm trains, then folds away; ReLU becomes a trainable polynomial")
    func batchNormAndReLU() throws {
        var b = TestGraphBuilder(input: [64], seed: 5)
        let w1 = b.constant("fc1.weight", [16, 64], scale: 0.1)
        var x = try b.op(.dense, [b.inputOperand, w1])
        let scale = b.constant("bn.scale", [16], scale: 0, offset: 1)
        let shift = b.constant("bn.bias", [16], scale: 0)
        let mean = b.constant("bn.mean", [16], scale: 0)
        let variance = b.constant("bn.var", [16], scale: 0, offset: 1)
        x = try b.op(.batchnorm, [x, scale, shift, mean, variance], ["epsilon": .float(1e-5)])
        x = try b.op(.relu, [x])
        let w2 = b.constant("fc2.weight", [10, 16], scale: 0.1)
        try b.op(.dense, [x, w2])
        var graph = b.graph
        #expect(graph.replaceReLUWithPoly2() == 1)
        let network = try Network(graph, options: .init(initialize: true, seed: 2))
        let trainer = try Trainer(network: network, options: TrainingOptions(epochs: 15, batchSize: 32, learningRate: 3e-3))
        let summary = try trainer.train(on: try Self.digits())
        #expect(try #require(summary.epochs.last?.accuracy) > 0.9)
        let trained = network.exportedGraph()
        #expect(trained.constants["bn.mean"] != graph.constants["bn.mean"])
        let coefficients = try #require(trained.operations.first { $0.kind == .poly }?.attributes["coeffs"]?.doublesValue)
        #expect(coefficients != Graph.reluPoly2Coefficients)
        // Inference-mode training network and the interpreter agree on the trained graph.
        let digits = try Self.digits()
        let reference = try Interpreter(trained).run(digits.inputs)[0]
        let mine = network.forward(TrainingTensor(digits.inputs), mode: .inference)
        for (a, e) in zip(mine.values, reference.scalars) { #expect(abs(Double(a) - e) <= 1e-3 + 1e-3 * abs(e)) }
    }
}
