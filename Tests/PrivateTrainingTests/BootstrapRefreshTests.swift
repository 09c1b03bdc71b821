import HepexcCKKS
import HepexcExecutor
import HepexcPrivateTraining
import Testing

/// `RefreshMode.bootstrap` on the tiny insecure bootstrappable ring (N = 2^10,
/// 512 slots): simulated and CKKS training against the float reference, the
/// ledger, and the bound and parameter errors.
@Suite struct BootstrapRefreshTests {
    let hyperparameters = TrainingHyperparameters(epochs: 2, batchSize: 16, learningRate: 4, momentum: 0.9, schedule: .cosine)

    func setup() throws -> (TrainingProblem, HETALLayout, SoftmaxApproximation, CKKSParameters, BootstrapParameters) {
        let (parameters, settings) = try TrainingParameters.bootstrappable(logN: 10, insecure: true)
        let problem = try TrainingTestSupport.blobs(samples: 40, features: 6, classes: 3, seed: 21)
        let layout = try HETALLayout(slotCount: parameters.slotCount, featureCount: 6, classCount: 3, batchSize: 16,
                                     zeroColumns: problem.zeroColumns)
        return (problem, layout, try SoftmaxApproximation(classCount: 3), parameters, settings)
    }

    func reference(_ problem: TrainingProblem, _ layout: HETALLayout, _ f: SoftmaxApproximation) -> [HeadModel] {
        var heads: [HeadModel] = []
        _ = ReferenceTrainer(layout: layout, hyperparameters: hyperparameters, softmax: .approximate(f))
            .train(problem) { heads.append($1) }
        return heads
    }

    @Test func theChainHoldsTheBootstrapAndTheTrainingLevels() throws {
        let (parameters, settings) = try TrainingParameters.bootstrappable(logN: 10, insecure: true)
        #expect(parameters.literal.insecure)
        #expect(settings.ephemeralSecretWeight == 32)
        #expect(parameters.maxLevel - settings.depth == 10)
        // q₀/Δ = 2^10 on the small ring: a value scaled into [−1, 1] is far inside the sine's linear range.
        #expect(Double(parameters.ciphertextModuli[0]) >= 0x1p9 * parameters.defaultScale)
    }

    @Test func simulatedBootstrapTrainingMatchesTheReferenceWithoutClientRefreshes() throws {
        let (problem, layout, f, parameters, settings) = try setup()
        let expected = reference(problem, layout, f)
        var backend = TrainingParameters.simulated(parameters)
        backend.modelsBootstrapNoise = false
        let bootstrapper = try TrainingBootstrap.simulated(backend, settings: settings, parameters: parameters)
        let trainer = EncryptedTrainer(backend: backend, layout: layout, hyperparameters: hyperparameters,
                                       approximation: f, refresh: .bootstrap, bootstrapper: bootstrapper)
        #expect(trainer.evaluator.maxLevel == bootstrapper.levelAfter)
        var epochs: [EncryptedEpoch] = []
        _ = try trainer.train(problem) { epochs.append($0) }
        #expect(epochs.count == 2)
        for (epoch, reference) in zip(epochs, expected) {
            // Without the noise model the only differences are the constants' rounding: 1e-6.
            #expect(epoch.head.relativeDifference(to: reference) < 1e-6, "epoch \(epoch.epoch)")
            #expect(epoch.traffic.refreshes == 0)
            #expect(epoch.traffic.bootstraps > 0)
            #expect(epoch.counts.bootstraps == epoch.traffic.bootstraps)
        }
        // After the one-time upload, the only traffic is the head the client decrypts each epoch.
        #expect(epochs[1].traffic.bytesToServer == 0)
        #expect(epochs[1].traffic.bytesToClient <= layout.columnBlocks * trainer.evaluator.ciphertextBytes(level: trainer.evaluator.maxLevel))
    }

    @Test func simulatedWithTheNoiseModelStaysCloseToTheReference() throws {
        let (problem, layout, f, parameters, settings) = try setup()
        let expected = reference(problem, layout, f)
        let backend = TrainingParameters.simulated(parameters)
        let trainer = EncryptedTrainer(backend: backend, layout: layout, hyperparameters: hyperparameters, approximation: f,
                                       refresh: .bootstrap,
                                       bootstrapper: try TrainingBootstrap.simulated(backend, settings: settings, parameters: parameters))
        let head = try trainer.train(problem)
        let difference = try #require(expected.last.map { head.relativeDifference(to: $0) })
        #expect(difference < 2e-2)
        #expect(head.accuracy(problem.features, problem.labels) == expected.last?.accuracy(problem.features, problem.labels))
    }

    @Test func ckksBootstrapTrainingMatchesTheReferenceAndClientRefresh() throws {
        let (full, layout, f, parameters, settings) = try setup()
        // One step (16 samples): a bootstrap costs ~0.5 s in a debug build.
        let problem = try TrainingProblem(features: Array(full.features.prefix(16)), labels: Array(full.labels.prefix(16)),
                                          classCount: 3)
        let oneEpoch = TrainingHyperparameters(epochs: 1, batchSize: 16, learningRate: 4, momentum: 0.9, schedule: .cosine)
        var expected: [HeadModel] = []
        _ = ReferenceTrainer(layout: layout, hyperparameters: oneEpoch, softmax: .approximate(f))
            .train(problem) { expected.append($1) }
        let client = try EncryptedTrainer(backend: TrainingTestSupport.simulated(slots: parameters.slotCount, levels: 8),
                                          layout: layout, hyperparameters: oneEpoch, approximation: f, refresh: .client)
            .train(problem)
        let (backend, keyBytes, bootstrapper) = try TrainingParameters.ckks(parameters, layout: layout, bootstrap: settings,
                                                                            threads: 1)
        #expect(keyBytes > 0)
        let trainer = EncryptedTrainer(backend: backend, layout: layout, hyperparameters: oneEpoch, approximation: f,
                                       refresh: .bootstrap, bootstrapper: bootstrapper)
        var epochs: [EncryptedEpoch] = []
        let head = try trainer.train(problem) { epochs.append($0) }
        let reference = try #require(expected.last)
        // The bootstrap's error (≈ B·2^−16 worst) and CKKS noise: 1e-3 of the weights.
        #expect(head.relativeDifference(to: reference) < 1e-3, "vs reference \(head.relativeDifference(to: reference))")
        #expect(head.relativeDifference(to: client) < 1e-3, "vs client refresh \(head.relativeDifference(to: client))")
        #expect(epochs.first?.traffic.refreshes == 0)
        #expect((epochs.first?.traffic.bootstraps ?? 0) > 0)
        #expect(epochs.first?.counts.bootstraps == epochs.first?.traffic.bootstraps)
    }

    @Test func aValuePastTheBoundIsAnErrorNotGarbage() throws {
        let (_, _, _, parameters, settings) = try setup()
        var backend = TrainingParameters.simulated(parameters)
        backend.modelsBootstrapNoise = false
        let bootstrapper = try TrainingBootstrap.simulated(backend, settings: settings, parameters: parameters, bound: 4)
        let evaluator = LeveledEvaluator(backend, refreshMode: .bootstrap, bootstrapper: bootstrapper)
        let inside = try evaluator.encrypt([Double](repeating: 3.5, count: parameters.slotCount))
        let refreshed = try evaluator.refresh(evaluator.lower(inside, to: 1), for: "test")
        #expect(evaluator.level(refreshed) == bootstrapper.levelAfter)
        #expect(try evaluator.decrypt(refreshed).allSatisfy { abs($0 - 3.5) < 1e-6 })
        let outside = try evaluator.encrypt([Double](repeating: 5, count: parameters.slotCount))
        let error = #expect(throws: PrivateTrainingError.self) {
            _ = try evaluator.refresh(evaluator.lower(outside, to: 1), for: "test")
        }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("test: a value of magnitude 5.0") && message.contains("bound 4.0"), "\(message)")
        // Slots outside `valid` are cleared first, so garbage there is no error.
        let masked = try evaluator.encrypt((0..<parameters.slotCount).map { $0 % 2 == 0 ? 1 : 1000 })
        let mask = (0..<parameters.slotCount).map { $0 % 2 == 0 ? 1.0 : 0 }
        let kept = try evaluator.decrypt(evaluator.refresh(evaluator.lower(masked, to: 1), for: "test", valid: (mask, "even")))
        #expect(kept.enumerated().allSatisfy { abs($1 - ($0 % 2 == 0 ? 1 : 0)) < 1e-6 })
    }

    @Test func secureBootstrappingNeedsTheLargestRing() throws {
        #expect(throws: PrivateTrainingError.self) { _ = try TrainingParameters.bootstrappable(logN: 14) }
        do {
            _ = try TrainingParameters.bootstrappable(logN: 15)
            Issue.record("N = 2^15 cannot hold a 128-bit bootstrappable chain")
        } catch {
            #expect(error.description.contains("N = 2^16"))
            #expect(!error.description.contains("\n"))
        }
        let (parameters, settings) = try TrainingParameters.bootstrappable(logN: 16)
        #expect(!parameters.literal.insecure)
        #expect(parameters.logQP <= CKKSParameters.maxLogQP[16] ?? 0)
        #expect(parameters.maxLevel - settings.depth >= 9)
    }

    @Test func bootstrapModeWithoutABootstrapperIsAClearError() throws {
        let backend = TrainingTestSupport.simulated(slots: 128, levels: 4)
        let evaluator = LeveledEvaluator(backend, refreshMode: .bootstrap)
        let ct = try evaluator.encrypt([Double](repeating: 0.5, count: 128))
        #expect(throws: PrivateTrainingError.self) { _ = try evaluator.refresh(ct, for: "test") }
    }
}
