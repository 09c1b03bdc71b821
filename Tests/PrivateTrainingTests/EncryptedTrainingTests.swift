import HepexcCKKS
import HepexcExecutor
import HepexcPrivateTraining
import Testing

/// Whole training runs on a tiny problem: simulated = float reference with
/// the same polynomial; CKKS (insecure test ring) = simulated within 1e-3.
@Suite struct EncryptedTrainingTests {
    let hyperparameters = TrainingHyperparameters(epochs: 2, batchSize: 16, learningRate: 4, momentum: 0.9, schedule: .cosine)

    func setup() throws -> (TrainingProblem, HETALLayout, SoftmaxApproximation) {
        let problem = try TrainingTestSupport.blobs(samples: 40, features: 6, classes: 3, seed: 21)
        let layout = try HETALLayout(slotCount: 128, featureCount: 6, classCount: 3, batchSize: 16,
                                     zeroColumns: problem.zeroColumns)
        return (problem, layout, try SoftmaxApproximation(classCount: 3))
    }

    @Test func simulatedEqualsTheFloatReference() throws {
        let (problem, layout, f) = try setup()
        var reference: [HeadModel] = []
        _ = ReferenceTrainer(layout: layout, hyperparameters: hyperparameters, softmax: .approximate(f))
            .train(problem) { reference.append($1) }
        let trainer = EncryptedTrainer(backend: TrainingTestSupport.simulated(slots: 128, levels: 8), layout: layout,
                                       hyperparameters: hyperparameters, approximation: f, refresh: .client)
        var epochs: [EncryptedEpoch] = []
        _ = try trainer.train(problem) { epochs.append($0) }
        #expect(epochs.count == 2)
        for (epoch, expected) in zip(epochs, reference) {
            #expect(epoch.head.relativeDifference(to: expected) < 1e-6)
            #expect(epoch.traffic.refreshes > 0)
            #expect(epoch.counts.cipherMultiplies > 0)
        }
        #expect(reference.last.map { $0.accuracy(problem.features, problem.labels) } ?? 0 > 0.9)
    }

    @Test func refreshOffRunsOutOfLevels() throws {
        let (problem, layout, f) = try setup()
        let trainer = EncryptedTrainer(backend: TrainingTestSupport.simulated(slots: 128, levels: 8), layout: layout,
                                       hyperparameters: hyperparameters, approximation: f, refresh: .none)
        #expect(throws: PrivateTrainingError.self) { _ = try trainer.train(problem) }
    }

    @Test func encryptedEqualsSimulatedEveryEpoch() throws {
        let (problem, layout, f) = try setup()
        let parameters = try #require(TrainingTestSupport.insecureParameters)
        var simulated: [EncryptedEpoch] = []
        _ = try EncryptedTrainer(backend: TrainingParameters.simulated(parameters), layout: layout,
                                 hyperparameters: hyperparameters, approximation: f, refresh: .client)
            .train(problem) { simulated.append($0) }
        let (backend, keyBytes) = try TrainingParameters.ckks(parameters, layout: layout, threads: 1)
        #expect(keyBytes > 0)
        var encrypted: [EncryptedEpoch] = []
        _ = try EncryptedTrainer(backend: backend, layout: layout, hyperparameters: hyperparameters,
                                 approximation: f, refresh: .client)
            .train(problem) { encrypted.append($0) }
        #expect(encrypted.count == simulated.count)
        for (e, s) in zip(encrypted, simulated) {
            #expect(e.head.relativeDifference(to: s.head) < 1e-3, "epoch \(e.epoch)")
            #expect(e.counts == s.counts)
            #expect(e.traffic == s.traffic)
        }
    }

    @Test func secureParametersComeFromTheSecurityTable() throws {
        let parameters = try TrainingParameters.secure(logN: 14)
        #expect(!parameters.literal.insecure)
        #expect(parameters.logQP <= CKKSParameters.maxLogQP[14] ?? 0)
        #expect(parameters.maxLevel >= 6)
        #expect(throws: PrivateTrainingError.self) { _ = try TrainingParameters.secure(logN: 9) }
    }

    @Test func badProblemsAreOneLineErrors() {
        #expect(throws: PrivateTrainingError.lengthMismatch(features: 2, labels: 1)) {
            _ = try TrainingProblem(features: [[0.1], [0.2]], labels: [0], classCount: 2)
        }
        #expect(throws: PrivateTrainingError.labelOutOfRange(index: 1, label: 5, classCount: 2)) {
            _ = try TrainingProblem(features: [[0.1], [0.2]], labels: [0, 5], classCount: 2)
        }
        #expect(throws: PrivateTrainingError.nonFiniteFeature(sample: 0, feature: 1)) {
            _ = try TrainingProblem(features: [[0.1, .nan]], labels: [0], classCount: 2)
        }
        #expect(throws: PrivateTrainingError.self) {
            _ = try TrainingProblem(features: [[3, 4]], labels: [0], classCount: 2)
        }
        let message = PrivateTrainingError.featureNormTooLarge(sample: 0, norm: 5, limit: 1).description
        #expect(!message.contains("\n"))
    }
}
