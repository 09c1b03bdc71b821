internal import Foundation
internal import HepexcBenchmarks
internal import HepexcCKKS
internal import HepexcExecutor
internal import HepexcPrivateTraining

/// `hepexc train-encrypted`: the client and the server of HETAL-style private
/// training in one process (docs/private-training.md).
public enum EncryptedTrainingRunner {
    /// Progress after each epoch of the encrypted (or simulated) run.
    public typealias Progress = @Sendable (_ epoch: Int, _ epochs: Int) -> Void

    /// Loads the data, runs the backbone and the client's normalisation,
    /// trains the head in plaintext (exact softmax, the yardstick) and
    /// encrypted (or simulated), and exports backbone + normalisation + head
    /// as ONNX. Every input is checked before training; nothing is written
    /// unless the whole run succeeds.
    ///
    /// - Throws: `EncryptedTrainingError`, one line.
    public static func run(_ request: EncryptedTrainingRequest,
                           progress: Progress? = nil) throws(EncryptedTrainingError) -> EncryptedTrainingReport {
        let clock = ContinuousClock(), started = clock.now
        try validate(request)
        let extractor = try FeatureExtractor(backbonePath: request.backbonePath, featureValue: request.featureValue)
        let train = try extractor.load(request.dataPath)
        let test = try extractor.load(request.testPath)
        let width = train.features.first?.count ?? 0
        let testWidth = test.features.first?.count ?? 0
        guard width == testWidth else { throw .featureWidthMismatch(train: width, test: testWidth) }
        let classCount = request.classCount ?? ((train.labels.max() ?? 0) + 1)
        if let bad = train.labels.indices.first(where: { train.labels[$0] < 0 || train.labels[$0] >= classCount }) {
            throw .training(PrivateTrainingError.labelOutOfRange(index: bad, label: train.labels[bad], classCount: classCount).description)
        }
        if let bad = test.labels.indices.first(where: { test.labels[$0] < 0 || test.labels[$0] >= classCount }) {
            throw .testLabelOutOfRange(index: bad, label: test.labels[bad], classCount: classCount)
        }

        // Client: normalise, shuffle once (system CSPRNG), validate.
        let normaliser = FeatureNormaliser.fit(train.features, kind: request.normalisation)
        let testRows = test.features.map(normaliser.apply)
        var random = SecureRandom()
        let order = Array(train.features.indices).shuffled(using: &random)
        let problem: TrainingProblem, layout: HETALLayout, approximation: SoftmaxApproximation
        let parameters: CKKSParameters, bootstrapSettings: BootstrapParameters?
        do {
            problem = try TrainingProblem(features: order.map { normaliser.apply(train.features[$0]) },
                                          labels: order.map { train.labels[$0] }, classCount: classCount)
            (parameters, bootstrapSettings) = try chooseParameters(request)
            layout = try HETALLayout(slotCount: parameters.slotCount, featureCount: width, classCount: classCount,
                                     batchSize: request.batchSize, zeroColumns: problem.zeroColumns)
            approximation = try SoftmaxApproximation(classCount: classCount, domain: request.softmaxDomain,
                                                     squarings: request.softmaxSquarings,
                                                     sharpenings: request.softmaxSharpenings)
        } catch {
            throw .training("\(error)")
        }
        let hyperparameters = TrainingHyperparameters(
            epochs: request.epochs, batchSize: request.batchSize, learningRate: request.learningRate,
            momentum: request.momentum, schedule: LearningRateSchedule(rawValue: request.schedule.rawValue) ?? .cosine)

        // The yardstick: plaintext training with the exact softmax.
        var plaintextAccuracy: [Double] = []
        let plaintext = ReferenceTrainer(layout: layout, hyperparameters: hyperparameters, softmax: .exact)
            .train(problem) { plaintextAccuracy.append($1.accuracy(testRows, test.labels)) }

        let pruning: EncryptedDataPruning?
        do {
            pruning = try request.dataPruning.map { p throws(DataPruningError) in
                try EncryptedDataPruning(keep: p.keep, selectEvery: p.selectEvery,
                                         score: EncryptedPruningScore(rawValue: p.score.rawValue) ?? .hefs, window: p.window,
                                         randomSeed: UInt64.random(in: .min ... .max, using: &random), balanced: p.balanced,
                                         randomUnit: RandomSubsetUnit(rawValue: p.randomUnit.rawValue) ?? .ciphertexts)
            }
            if let pruning { _ = try pruning.selection.keptRanks(of: problem.features.count) }
        } catch {
            throw .training(error.description)
        }
        var rounds: [EncryptedSelectionRound] = []
        /// Trains with or without data pruning; `keepRounds` records the rounds.
        func run<B: HEBackend>(_ trainer: EncryptedTrainer<B>, keepRounds: Bool,
                               onEpoch: (EncryptedEpoch) throws -> Void) throws {
            if let pruning {
                _ = try trainer.train(problem, pruning: pruning, onEpoch: onEpoch, onRound: { if keepRounds { rounds.append($0) } })
            } else {
                _ = try trainer.train(problem, onEpoch: onEpoch)
            }
        }

        // The simulated run (the whole run, or the reference for CKKS).
        var simulatedHeads: [HeadModel] = []
        var records: [EncryptedEpoch] = []
        var keyBytes = 0
        var totalTraffic = TrafficLedger()
        do {
            if request.backend == .simulated || request.compareWithSimulated {
                let simulated = TrainingParameters.simulated(parameters)
                let bootstrapper = try bootstrapSettings.map { settings throws(PrivateTrainingError) in
                    try TrainingBootstrap.simulated(simulated, settings: settings, parameters: parameters)
                }
                let trainer = EncryptedTrainer(backend: simulated, layout: layout,
                                               hyperparameters: hyperparameters, approximation: approximation,
                                               refresh: refreshMode(request.refresh), bootstrapper: bootstrapper)
                try run(trainer, keepRounds: request.backend == .simulated) { epoch in
                    simulatedHeads.append(epoch.head)
                    if request.backend == .simulated {
                        records.append(epoch)
                        progress?(epoch.epoch + 1, request.epochs)
                    }
                }
                if request.backend == .simulated { totalTraffic = trainer.evaluator.ledger }
            }
            if request.backend == .ckks {
                let backend: CKKSBackend, bootstrapper: TrainingBootstrap<HepexcCKKS.Ciphertext>?
                if let bootstrapSettings {
                    (backend, keyBytes, bootstrapper) = try TrainingParameters.ckks(parameters, layout: layout,
                                                                                     bootstrap: bootstrapSettings,
                                                                                     threads: request.threads)
                } else {
                    (backend, keyBytes) = try TrainingParameters.ckks(parameters, layout: layout, threads: request.threads)
                    bootstrapper = nil
                }
                let trainer = EncryptedTrainer(backend: backend, layout: layout, hyperparameters: hyperparameters,
                                               approximation: approximation, refresh: refreshMode(request.refresh),
                                               bootstrapper: bootstrapper)
                try run(trainer, keepRounds: true) { epoch in
                    records.append(epoch)
                    progress?(epoch.epoch + 1, request.epochs)
                }
                totalTraffic = trainer.evaluator.ledger
            }
        } catch let error as PrivateTrainingError {
            throw .training(error.description)
        } catch let error as DataPruningError {
            throw .training(error.description)
        } catch {
            throw .training("\(error)")
        }
        guard let final = records.last?.head else { throw .training("training produced no epochs") }

        let epochs = records.enumerated().map { index, record in
            epochReport(record, problem: problem, testRows: testRows, testLabels: test.labels,
                        plaintextAccuracy: index < plaintextAccuracy.count ? plaintextAccuracy[index] : 0,
                        simulated: request.backend == .ckks && index < simulatedHeads.count ? simulatedHeads[index] : nil,
                        domain: approximation.domain)
        }
        let setupTraffic = epochs.reduce(totalTraffic.bytesToServer) { $0 - $1.bytesToServer }

        // Client: the complete model.
        var exportedAccuracy: Double?
        if let path = request.outputPath {
            let head = layout.head(from: final.matrix)
            let graph = try HeadExporter.graph(backbone: extractor.backbone, featureWidth: width, normaliser: normaliser,
                                               weights: head.weights, bias: head.bias)
            try HeadExporter.write(graph, to: path)
            exportedAccuracy = try HeadExporter.accuracy(ofModelAt: path, inputs: test.inputs, labels: test.labels)
        }
        var report = EncryptedTrainingReport(
            backend: request.backend.rawValue, parameters: parameters.description, secure: !parameters.literal.insecure,
            samples: problem.features.count, testSamples: testRows.count, features: width, classes: classCount,
            unitShape: [layout.rows, layout.columns], rowBlocks: layout.rowBlocks, columnBlocks: layout.columnBlocks,
            paddedClasses: layout.paddedClasses, biasColumn: layout.biasColumn, softmaxDomain: approximation.domain,
            softmaxErrorBound: approximation.errorBound, softmaxDepth: approximation.depth, evaluationKeyBytes: keyBytes,
            setupBytesToServer: setupTraffic, setupSeconds: records.first?.times.encrypt ?? 0, epochs: epochs,
            testAccuracy: final.accuracy(testRows, test.labels),
            plaintextTestAccuracy: plaintext.accuracy(testRows, test.labels), exportedTestAccuracy: exportedAccuracy,
            outputPath: request.outputPath, totalSeconds: (clock.now - started).seconds,
            peakMemoryBytes: ProcessMetrics.peakMemoryBytes())
        report.refresh = request.refresh.rawValue
        if let settings = bootstrapSettings {
            report.bootstrap = "K = \(settings.modulusRange), degree \(settings.chebyshevDegree), \(settings.doubleAngles) double angles, "
                + (settings.ephemeralSecretWeight.map { "sparse-secret encapsulation h = \($0), " } ?? "")
                + "depth \(settings.depth), \(parameters.maxLevel - settings.depth) levels after (1 reserved), "
                + "bound B = \(Int(TrainingBootstrap<HepexcCKKS.Ciphertext>.defaultBound))"
        }
        if let pruning {
            report.keptFraction = pruning.selection.keptFraction
            report.selectionRounds = rounds
        }
        return report
    }

    static func refreshMode(_ choice: EncryptedTrainingRefresh) -> RefreshMode {
        switch choice {
        case .client: return .client
        case .none: return .none
        case .bootstrap: return .bootstrap
        }
    }

    /// The CKKS parameters (and bootstrap settings with `--refresh bootstrap`):
    /// 128-bit secure, or under `--allow-insecure` the small test rings.
    static func chooseParameters(_ request: EncryptedTrainingRequest) throws -> (CKKSParameters, BootstrapParameters?) {
        let insecure = request.allowInsecure && request.logN < 13
        if request.refresh == .bootstrap {
            let (parameters, settings) = try TrainingParameters.bootstrappable(logN: request.logN,
                                                                               insecure: request.allowInsecure && request.logN < 16)
            return (parameters, settings)
        }
        if insecure {
            return (try CKKSParameters(CKKSParameters.Literal(logN: request.logN, logQ: [60] + Array(repeating: 40, count: 8),
                                                              logScale: 40, insecure: true)), nil)
        }
        return (try TrainingParameters.secure(logN: request.logN), nil)
    }

    static func epochReport(_ record: EncryptedEpoch, problem: TrainingProblem, testRows: [[Double]], testLabels: [Int],
                            plaintextAccuracy: Double, simulated: HeadModel?, domain: Double) -> EncryptedTrainingEpoch {
        let t = record.times
        let largest = record.head.largestCentredLogit(problem.features)
        return EncryptedTrainingEpoch(
            epoch: record.epoch, learningRate: record.learningRate,
            trainLoss: record.head.loss(problem.features, problem.labels),
            trainAccuracy: record.head.accuracy(problem.features, problem.labels),
            testAccuracy: record.head.accuracy(testRows, testLabels), plaintextTestAccuracy: plaintextAccuracy,
            largestCentredLogit: largest, outsideDomain: largest > domain,
            relativeDifferenceToSimulated: simulated.map { record.head.relativeDifference(to: $0) },
            steps: record.steps,
            seconds: ["encrypt": t.encrypt, "forward": t.forward, "softmax": t.softmax, "backward": t.backward,
                      "update": t.update, "refresh": t.refresh, "decrypt": t.decrypt],
            ops: record.counts, refreshes: record.traffic.refreshes, bootstraps: record.traffic.bootstraps,
            bytesToServer: record.traffic.bytesToServer, bytesToClient: record.traffic.bytesToClient)
    }

    static func validate(_ request: EncryptedTrainingRequest) throws(EncryptedTrainingError) {
        if request.epochs < 1 { throw .invalidOption(name: "epochs", value: "\(request.epochs)", reason: "must be at least 1") }
        if request.batchSize < 1 { throw .invalidOption(name: "batch", value: "\(request.batchSize)", reason: "must be at least 1") }
        if !(request.learningRate > 0 && request.learningRate.isFinite) {
            throw .invalidOption(name: "learning-rate", value: "\(request.learningRate)", reason: "must be a positive number")
        }
        if !(request.momentum >= 0 && request.momentum < 1) {
            throw .invalidOption(name: "momentum", value: "\(request.momentum)", reason: "must be in [0, 1)")
        }
        if !(13...16).contains(request.logN), !(request.allowInsecure && (10...16).contains(request.logN)) {
            throw .invalidOption(name: "log-n", value: "\(request.logN)",
                                 reason: request.allowInsecure ? "must be 10…16" : "must be 13…16 (128-bit-secure rings; 10…12 need --allow-insecure)")
        }
        if request.threads < 1 { throw .invalidOption(name: "threads", value: "\(request.threads)", reason: "must be at least 1") }
        if let count = request.classCount, count < 2 {
            throw .invalidOption(name: "classes", value: "\(count)", reason: "must be at least 2")
        }
        if let path = request.outputPath {
            let directory = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !directory.isEmpty, !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) {
                throw .invalidOption(name: "output", value: path, reason: "directory \(directory) does not exist")
            }
        }
    }
}

extension EncryptedTrainingRunner {
    /// ``run(_:progress:)`` for the CLI: the application layer's one error type.
    public static func execute(_ request: EncryptedTrainingRequest, progress: Progress? = nil) throws(DriverError) -> EncryptedTrainingReport {
        do { return try run(request, progress: progress) } catch { throw .privateTraining(error) }
    }
}
