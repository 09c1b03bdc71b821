internal import Foundation
public import HepexcData
internal import HepexcBenchmarks
public import HepexcExecutor
public import HepexcIR
public import HepexcPasses
public import HepexcPlan

/// Compiles models to plans, reads and writes plan files, and runs plans.
public enum PlanRunner {
    /// Compiles the model at `path` (after the import pipeline and `fold-bn`).
    public static func compile(_ path: String, options: PlanCompiler.Options, passes: String? = nil,
                               configPath: String? = nil) throws(DriverError) -> (Plan, Graph) {
        let graph = try loadForCompilation(path, passes: passes, configPath: configPath)
        return (try compile(graph, options: options), graph)
    }

    /// The model at `path` as the plan compiler takes it: the import
    /// pipeline, `fold-bn`, then `passes`.
    public static func loadForCompilation(_ path: String, passes: String? = nil,
                                          configPath: String? = nil) throws(DriverError) -> Graph {
        let pipeline = ["fold-bn", passes].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ",")
        return try ModelLoader.load(path, configPath: configPath, passes: pipeline).graph
    }

    /// Lowers a loaded graph to a plan.
    public static func compile(_ graph: Graph, options: PlanCompiler.Options) throws(DriverError) -> Plan {
        let plan: Plan
        do { plan = try PlanCompiler(options: options).compile(graph) } catch { throw .pass(error) }
        return try recordKeySwitching(plan)
    }

    /// The tile-independent lowering of a loaded graph, to compile under many tile shapes.
    public static func lower(_ graph: Graph) throws(DriverError) -> PlanCompiler.Lowered {
        do { return try PlanCompiler.lower(graph) } catch { throw .pass(error) }
    }

    /// Packs a lowered graph under `options`.
    public static func compile(_ lowered: PlanCompiler.Lowered, options: PlanCompiler.Options) throws(DriverError) -> Plan {
        let plan: Plan
        do { plan = try PlanCompiler(options: options).compile(lowered) } catch { throw .pass(error) }
        return try recordKeySwitching(plan)
    }

    /// The compiler chose the ring, primes and special primes; the runtime
    /// derives the digits from them. The plan records both, so the layout is
    /// decided once and travels with the plan.
    static func recordKeySwitching(_ plan: Plan) throws(DriverError) -> Plan {
        let completed = try plan.completingBootstraps()
        do { return try completed.recordingKeySwitchingLayout() } catch { throw DriverError(error) }
    }

    public static func write(_ plan: Plan, to path: String) throws(DriverError) {
        do {
            try plan.serialized().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .write(path: path, reason: "\(error)")
        }
    }

    public static func read(_ path: String) throws(DriverError) -> Plan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .frontend(.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"))
        }
        do { return try Plan(serialized: data) } catch { throw .plan(path: path, error: error) }
    }

    /// The samples of `dataset` as feature vectors in the plan's input order.
    static func featureRows(_ dataset: Dataset, features: Int) throws(DriverError) -> [[Double]] {
        let perItem = dataset.inputs.count / max(dataset.count, 1)
        guard perItem == features else {
            throw .dataMismatch("the data's items hold \(perItem) values but the plan expects \(features) input features")
        }
        return (0..<dataset.count).map { Array(dataset.inputs.scalars[($0 * features)..<(($0 + 1) * features)]) }
    }

    /// Runs `plan` on `dataset`: simulated, or under CKKS with fresh keys.
    /// - Parameter weights: when weight plaintexts are encoded (`auto`:
    ///   streamed for one batch ciphertext, cached for several).
    public static func run(_ plan: Plan, on dataset: Dataset, backend: ExecutionBackend = .ckks, encryptedWeights: Bool = false,
                           threads: Int? = nil, clipInputs: Bool = false,
                           weights: WeightEncodingChoice = .auto, weightCacheMiB: Int? = nil) throws(DriverError) -> RunReport {
        try runCollectingOutputs(plan, on: dataset, backend: backend, encryptedWeights: encryptedWeights, threads: threads,
                                 clipInputs: clipInputs, weights: weights, weightCacheMiB: weightCacheMiB).report
    }

    /// ``run(_:on:backend:encryptedWeights:threads:clipInputs:weights:)`` that
    /// also returns the decrypted outputs, one row per sample in the data's order.
    public static func runCollectingOutputs(_ plan: Plan, on dataset: Dataset, backend: ExecutionBackend = .ckks,
                                            encryptedWeights: Bool = false, threads: Int? = nil, clipInputs: Bool = false,
                                            weights: WeightEncodingChoice = .auto,
                                            weightCacheMiB: Int? = nil) throws(DriverError) -> (report: RunReport, outputs: [[Double]]) {
        var rows = try featureRows(dataset, features: plan.inputFeatures)
        let clipped = try admitInputs(&rows, plan: plan, clip: clipInputs)
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        // A cache budget asks for cached weights (within it) even for one batch.
        let weightEncoding = weightCacheMiB != nil && weights == .auto
            ? .cached : weights.resolved(batches: TileLayout(plan: plan).batchTileCount(samples: rows.count))
        let weightCacheBytes = weightCacheMiB.map { $0.multipliedReportingOverflow(by: 1 << 20).overflow ? Int.max : $0 << 20 }
        do {
            var timings: [String: Double] = [:]
            var cpuTimings: [String: Double] = [:]
            let start = ProcessMetrics.wallSeconds()
            let cpuStart = ProcessMetrics.cpuSeconds()
            let (outputs, ops): ([[Double]], OpCounts)
            var reference: [[Double]] = []
            switch backend {
            case .simulated:
                (outputs, ops) = try execute(plan, rows: rows, backend: CountingBackend(SimulatedBackend(plan: plan)),
                                             encryptedWeights: encryptedWeights, threads: threadCount, weightEncoding: weightEncoding,
                                             weightCacheBytes: weightCacheBytes, timings: &timings, cpuTimings: &cpuTimings)
            case .ckks:
                // The client's check before it encrypts anything: the plan in
                // exact arithmetic on these very inputs. The simulated backend
                // refuses a value that outgrows its level's modulus — a plan
                // whose weights or scales cannot hold these inputs — where
                // CKKS would silently decrypt garbage.
                do { reference = try simulate(plan, rows: rows) } catch ExecutorError.simulation(let message) {
                    throw DriverError.execution("the plan cannot hold these inputs, so nothing was encrypted "
                                                + "(checked in exact arithmetic first): \(message)")
                }
                let keygenStart = ProcessMetrics.wallSeconds()
                let keygenCPU = ProcessMetrics.cpuSeconds()
                let real = try CKKSBackend.clientAndServer(for: plan, threads: threadCount,
                                                           relinearization: encryptedWeights || plan.needsRelinearization,
                                                           encryptedWeights: encryptedWeights)
                timings["keygen"] = ProcessMetrics.wallSeconds() - keygenStart
                cpuTimings["keygen"] = ProcessMetrics.cpuSeconds() - keygenCPU
                (outputs, ops) = try execute(plan, rows: rows, backend: CountingBackend(real),
                                             encryptedWeights: encryptedWeights, threads: threadCount, weightEncoding: weightEncoding,
                                             weightCacheBytes: weightCacheBytes, timings: &timings, cpuTimings: &cpuTimings)
            }
            timings["total"] = ProcessMetrics.wallSeconds() - start
            cpuTimings["total"] = ProcessMetrics.cpuSeconds() - cpuStart
            // The plaintext reference is the plan in exact arithmetic — what
            // the simulated backend computed.
            if backend == .simulated { reference = outputs }
            var report = RunReport(model: plan.model, backend: backend.rawValue, samples: rows.count,
                                   batchCiphertexts: TileLayout(plan: plan).batchTileCount(samples: rows.count),
                                   maxAbsError: zip(outputs, reference).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0,
                                   timings: timings, cpuTimings: cpuTimings, peakMemoryBytes: ProcessMetrics.peakMemoryBytes(), ops: ops, encryptedWeights: encryptedWeights)
            try checkOutputs(outputs, plan: plan)
            score(outputs, dataset: dataset, into: &report)
            report.clippedInputs = clipped
            report.weightEncoding = (encryptedWeights ? WeightEncoding.cached : weightEncoding).rawValue
                + (weightEncoding == .cached && !encryptedWeights ? weightCacheMiB.map { " (at most \($0) MiB)" } ?? "" : "")
            return (report, outputs)
        } catch {
            throw DriverError(error)
        }
    }

    /// The client's check before encrypting: every feature inside the range
    /// the plan was compiled for (a value outside it can overflow the CKKS
    /// modulus and turn every sample of its ciphertext into garbage).
    /// Refuses, naming the first sample and feature, or clips; returns how
    /// many values were clipped.
    static func admitInputs(_ rows: inout [[Double]], plan: Plan, clip: Bool) throws(DriverError) -> Int {
        guard let bounds = plan.bounds else { return 0 }
        var clipped = 0
        for i in rows.indices {
            for j in rows[i].indices where !bounds.admits(rows[i][j]) {
                let value = rows[i][j]
                guard clip, value.isFinite else {
                    throw .dataMismatch("sample \(i), feature \(j) is \(value), outside the input range \(bounds.inputLower)…\(bounds.inputUpper) "
                                        + "the plan was compiled for (encrypted results would be garbage); rescale the data, "
                                        + "recompile with --input-range or --calibration, or pass --clip-inputs")
                }
                rows[i][j] = min(max(value, bounds.inputLower), bounds.inputUpper)
                clipped += 1
            }
        }
        return clipped
    }

    /// A decrypted output beyond the bound the plan was compiled for may be
    /// wrong (a wrapped-around value decrypts to anything): an error, never
    /// an output.
    static func checkOutputs(_ outputs: [[Double]], plan: Plan) throws(DriverError) {
        let limit = plan.bounds.map { $0.outputMaximum * 1.01 + 1e-3 }
        for (i, row) in outputs.enumerated() {
            for (j, value) in row.enumerated() where !value.isFinite || limit.map({ abs(value) > $0 }) ?? false {
                throw .execution("decrypted output \(j) of sample \(i) is \(value), beyond the bound \(limit ?? .infinity) "
                                 + "the plan was compiled for: the result may be wrong, so it is not reported")
            }
        }
    }

    static func score(_ outputs: [[Double]], dataset: Dataset, into report: inout RunReport) {
        (report.correct, report.accuracy, report.mse) = scores(outputs, dataset: dataset)
    }

    /// Accuracy against the labels, or MSE against the targets (or, for an
    /// autoencoder, the inputs); nils when the data has none of them.
    static func scores(_ outputs: [[Double]], dataset: Dataset) -> (correct: Int?, accuracy: Double?, mse: Double?) {
        if let labels = dataset.labels {
            let predictions = outputs.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
            let correct = zip(predictions, labels).filter { $0 == $1 }.count
            return (correct, Double(correct) / Double(max(labels.count, 1)), nil)
        } else if let targets = dataset.targets, targets.count == outputs.count * (outputs.first?.count ?? 0) {
            return (nil, nil, zip(outputs.flatMap { $0 }, targets.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(max(targets.count, 1)))
        } else if dataset.inputs.count == outputs.count * (outputs.first?.count ?? 0) {
            return (nil, nil, zip(outputs.flatMap { $0 }, dataset.inputs.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(max(dataset.inputs.count, 1)))
        }
        return (nil, nil, nil)
    }

    /// The plan in exact arithmetic (no noise): the plaintext reference.
    /// Its weights are streamed: each slot vector is built where it is
    /// multiplied, so the reference never holds every weight tile at once
    /// (64 KiB each at N = 2^14; the 3072 autoencoder's 6,400 tiles would
    /// stay in the heap beside the encrypted run that follows).
    public static func simulate(_ plan: Plan, rows: [[Double]]) throws -> [[Double]] {
        var timings: [String: Double] = [:]
        var cpuTimings: [String: Double] = [:]
        var exact = try SimulatedBackend(plan: plan)
        exact.modelsBootstrapNoise = false
        return try execute(plan, rows: rows, backend: exact, encryptedWeights: false, threads: 1, weightEncoding: .streamed,
                           timings: &timings, cpuTimings: &cpuTimings).0
    }

    static func execute<B: HEBackend>(_ plan: Plan, rows: [[Double]], backend: B, encryptedWeights: Bool, threads: Int,
                                      weightEncoding: WeightEncoding = .cached, weightCacheBytes: Int? = nil,
                                      timings: inout [String: Double],
                                      cpuTimings: inout [String: Double]) throws -> ([[Double]], OpCounts) {
        let layout = TileLayout(plan: plan)
        var phase = ProcessMetrics.wallSeconds()
        var cpuPhase = ProcessMetrics.cpuSeconds()
        // Streamed weights are encoded inside `execute`; this phase is then
        // only the masks.
        let executor = try PlanExecutor(plan: plan, backend: backend, encryptedWeights: encryptedWeights, threads: threads,
                                        weightEncoding: weightEncoding, weightCacheBytes: weightCacheBytes)
        timings["encode_weights"] = ProcessMetrics.wallSeconds() - phase
        cpuTimings["encode_weights"] = ProcessMetrics.cpuSeconds() - cpuPhase
        let counting = backend as? any OpCounting
        counting?.reset()
        var outputs: [[Double]] = []
        var (encrypt, execute, decrypt) = (0.0, 0.0, 0.0)
        var (encryptCPU, executeCPU, decryptCPU) = (0.0, 0.0, 0.0)
        for batch in stride(from: 0, to: rows.count, by: plan.tile.t3) {
            let samples = Array(rows[batch..<min(rows.count, batch + plan.tile.t3)])
            phase = ProcessMetrics.wallSeconds()
            cpuPhase = ProcessMetrics.cpuSeconds()
            let inputs = try executor.encrypt(layout.encodeInput(samples))
            encrypt += ProcessMetrics.wallSeconds() - phase
            encryptCPU += ProcessMetrics.cpuSeconds() - cpuPhase
            phase = ProcessMetrics.wallSeconds()
            cpuPhase = ProcessMetrics.cpuSeconds()
            let results = try executor.run(consume inputs)
            execute += ProcessMetrics.wallSeconds() - phase
            executeCPU += ProcessMetrics.cpuSeconds() - cpuPhase
            phase = ProcessMetrics.wallSeconds()
            cpuPhase = ProcessMetrics.cpuSeconds()
            let decrypted = try results.map { tile -> [Double] in
                switch tile {
                case .cipher(let ct): return try backend.decrypt(ct)
                case .plain(let values): return values
                }
            }
            outputs += layout.decodeOutput(decrypted, samples: samples.count)
            decrypt += ProcessMetrics.wallSeconds() - phase
            decryptCPU += ProcessMetrics.cpuSeconds() - cpuPhase
        }
        timings["encrypt"] = encrypt
        timings["execute"] = execute
        timings["decrypt"] = decrypt
        cpuTimings["encrypt"] = encryptCPU
        cpuTimings["execute"] = executeCPU
        cpuTimings["decrypt"] = decryptCPU
        return (outputs, counting?.currentCounts ?? OpCounts())
    }
}

/// Type-erased access to a `CountingBackend`'s counter.
protocol OpCounting {
    var currentCounts: OpCounts { get }
    func reset()
}

extension CountingBackend: OpCounting {
    var currentCounts: OpCounts { counts }
    func reset() { resetCounts() }
}
