internal import Dispatch
#if canImport(Glibc)
internal import Glibc
#endif
public import Foundation
public import HepexcData
internal import HepexcCKKS
public import HepexcExecutor
public import HepexcIR
public import HepexcPasses
public import HepexcPlan

/// What `hepexc run` reports.
public struct RunReport: Sendable, Codable, Equatable {
    public var model: String
    public var backend: String
    public var samples: Int
    public var batchCiphertexts: Int
    public var accuracy: Double?
    public var correct: Int?
    public var mse: Double?
    /// max |encrypted − plaintext| over every output of every sample; the
    /// plaintext reference is the same plan evaluated in exact arithmetic.
    public var maxAbsError: Double
    /// Wall-clock seconds per phase.
    public var timings: [String: Double]
    /// Process CPU seconds per phase (all threads together): the robust
    /// number on a shared machine.
    public var cpuTimings: [String: Double]
    public var peakMemoryBytes: Int
    /// Operations the executor ran, all batch ciphertexts together.
    public var ops: OpCounts
    public var encryptedWeights: Bool

    enum CodingKeys: String, CodingKey {
        case model, backend, samples, accuracy, correct, mse, timings, ops
        case cpuTimings = "cpu_timings"
        case batchCiphertexts = "batch_ciphertexts"
        case maxAbsError = "max_abs_error"
        case peakMemoryBytes = "peak_memory_bytes"
        case encryptedWeights = "encrypted_weights"
    }

    public var text: String {
        var lines = ["run \(model) on \(backend): \(samples) samples in \(batchCiphertexts) batch ciphertext(s)"
                     + (encryptedWeights ? ", encrypted weights" : "")]
        if let accuracy, let correct { lines.append(String(format: "accuracy: %.4f (%d/%d)", accuracy, correct, samples)) }
        if let mse { lines.append(String(format: "mse: %.6g", mse)) }
        lines.append(String(format: "max |encrypted − plaintext|: %.3g", maxAbsError))
        let order = ["keygen", "encode_weights", "encrypt", "execute", "decrypt", "total"]
        lines.append("time: " + order.compactMap { key in timings[key].map { key + String(format: " %.1f ms", $0 * 1000) } }.joined(separator: ", "))
        lines.append("cpu:  " + order.compactMap { key in cpuTimings[key].map { key + String(format: " %.1f ms", $0 * 1000) } }.joined(separator: ", "))
        if batchCiphertexts > 0, let execute = timings["execute"], let encrypt = timings["encrypt"] {
            lines.append(String(format: "per batch ciphertext: client encrypt %.1f ms, server execute %.1f ms",
                                encrypt * 1000 / Double(batchCiphertexts), execute * 1000 / Double(batchCiphertexts)))
        }
        lines.append(String(format: "peak memory: %.1f MiB", Double(peakMemoryBytes) / 1_048_576))
        lines.append("ops executed: \(ops)")
        return lines.joined(separator: "\n")
    }
}

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
        do { return try PlanCompiler(options: options).compile(graph) } catch { throw .pass(error) }
    }

    /// The tile-independent lowering of a loaded graph, to compile under many tile shapes.
    public static func lower(_ graph: Graph) throws(DriverError) -> PlanCompiler.Lowered {
        do { return try PlanCompiler.lower(graph) } catch { throw .pass(error) }
    }

    /// Packs a lowered graph under `options`.
    public static func compile(_ lowered: PlanCompiler.Lowered, options: PlanCompiler.Options) throws(DriverError) -> Plan {
        do { return try PlanCompiler(options: options).compile(lowered) } catch { throw .pass(error) }
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
    public static func run(_ plan: Plan, on dataset: Dataset, backend: String = "ckks", encryptedWeights: Bool = false,
                           threads: Int? = nil) throws(DriverError) -> RunReport {
        let rows = try featureRows(dataset, features: plan.inputFeatures)
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        do {
            var timings: [String: Double] = [:]
            var cpuTimings: [String: Double] = [:]
            let start = DispatchTime.now()
            let cpuStart = cpuSeconds()
            let (outputs, ops): ([[Double]], OpCounts)
            switch backend {
            case "simulated":
                (outputs, ops) = try execute(plan, rows: rows, backend: CountingBackend(simulatedBackend(for: plan)),
                                             encryptedWeights: encryptedWeights, threads: threadCount, timings: &timings,
                                             cpuTimings: &cpuTimings)
            case "ckks":
                let keygenStart = DispatchTime.now()
                let keygenCPU = cpuSeconds()
                let real = try CKKSSetup(plan: plan, threads: threadCount, needsRelinearization: encryptedWeights || plan.needsRelinearization)
                timings["keygen"] = seconds(since: keygenStart)
                cpuTimings["keygen"] = cpuSeconds() - keygenCPU
                (outputs, ops) = try execute(plan, rows: rows, backend: CountingBackend(real.backend),
                                             encryptedWeights: encryptedWeights, threads: threadCount, timings: &timings,
                                             cpuTimings: &cpuTimings)
            default:
                throw DriverError.dataMismatch("unknown backend '\(backend)' (ckks, simulated)")
            }
            timings["total"] = seconds(since: start)
            cpuTimings["total"] = cpuSeconds() - cpuStart
            // The plaintext reference is the plan in exact arithmetic — what
            // the simulated backend just computed.
            let reference = backend == "simulated" ? outputs : try simulate(plan, rows: rows)
            var report = RunReport(model: plan.model, backend: backend, samples: rows.count,
                                   batchCiphertexts: TileLayout(plan: plan).batchTileCount(samples: rows.count),
                                   maxAbsError: zip(outputs, reference).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0,
                                   timings: timings, cpuTimings: cpuTimings, peakMemoryBytes: peakMemoryBytes(), ops: ops, encryptedWeights: encryptedWeights)
            score(outputs, dataset: dataset, into: &report)
            return report
        } catch {
            throw DriverError(error)
        }
    }

    static func score(_ outputs: [[Double]], dataset: Dataset, into report: inout RunReport) {
        if let labels = dataset.labels {
            let predictions = outputs.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
            let correct = zip(predictions, labels).filter { $0 == $1 }.count
            report.correct = correct
            report.accuracy = Double(correct) / Double(max(labels.count, 1))
        } else if let targets = dataset.targets, targets.count == outputs.count * (outputs.first?.count ?? 0) {
            report.mse = zip(outputs.flatMap { $0 }, targets.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(max(targets.count, 1))
        } else if dataset.inputs.count == outputs.count * (outputs.first?.count ?? 0) {
            report.mse = zip(outputs.flatMap { $0 }, dataset.inputs.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(max(dataset.inputs.count, 1))
        }
    }

    /// The plan in exact arithmetic (no noise): the plaintext reference.
    public static func simulate(_ plan: Plan, rows: [[Double]]) throws -> [[Double]] {
        var timings: [String: Double] = [:]
        var cpuTimings: [String: Double] = [:]
        return try execute(plan, rows: rows, backend: simulatedBackend(for: plan), encryptedWeights: false, threads: 1,
                           timings: &timings, cpuTimings: &cpuTimings).0
    }

    static func simulatedBackend(for plan: Plan) throws -> SimulatedBackend {
        let parameters = try CKKSParameters(plan.parameters.literal)
        return SimulatedBackend(slotCount: parameters.slotCount, moduli: parameters.ciphertextModuli.map { Double($0) },
                                defaultScale: parameters.defaultScale)
    }

    static func execute<B: HEBackend>(_ plan: Plan, rows: [[Double]], backend: B, encryptedWeights: Bool, threads: Int,
                                      timings: inout [String: Double],
                                      cpuTimings: inout [String: Double]) throws -> ([[Double]], OpCounts) {
        let layout = TileLayout(plan: plan)
        var phase = DispatchTime.now()
        var cpuPhase = cpuSeconds()
        let executor = try PlanExecutor(plan: plan, backend: backend, encryptedWeights: encryptedWeights, threads: threads)
        timings["encode_weights"] = seconds(since: phase)
        cpuTimings["encode_weights"] = cpuSeconds() - cpuPhase
        let counting = backend as? any OpCounting
        counting?.reset()
        var outputs: [[Double]] = []
        var (encrypt, execute, decrypt) = (0.0, 0.0, 0.0)
        var (encryptCPU, executeCPU, decryptCPU) = (0.0, 0.0, 0.0)
        for batch in stride(from: 0, to: rows.count, by: plan.tile.t3) {
            let samples = Array(rows[batch..<min(rows.count, batch + plan.tile.t3)])
            phase = DispatchTime.now()
            cpuPhase = cpuSeconds()
            let inputs = try executor.encrypt(layout.encodeInput(samples))
            encrypt += seconds(since: phase)
            encryptCPU += cpuSeconds() - cpuPhase
            phase = DispatchTime.now()
            cpuPhase = cpuSeconds()
            let results = try executor.run(inputs)
            execute += seconds(since: phase)
            executeCPU += cpuSeconds() - cpuPhase
            phase = DispatchTime.now()
            cpuPhase = cpuSeconds()
            let decrypted = try results.map { tile -> [Double] in
                switch tile {
                case .cipher(let ct): return try backend.decrypt(ct)
                case .plain(let values): return values
                }
            }
            outputs += layout.decodeOutput(decrypted, samples: samples.count)
            decrypt += seconds(since: phase)
            decryptCPU += cpuSeconds() - cpuPhase
        }
        timings["encrypt"] = encrypt
        timings["execute"] = execute
        timings["decrypt"] = decrypt
        cpuTimings["encrypt"] = encryptCPU
        cpuTimings["execute"] = executeCPU
        cpuTimings["decrypt"] = decryptCPU
        return (outputs, counting?.currentCounts ?? OpCounts())
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// CPU time of the whole process so far (all threads), seconds.
    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The process's peak resident memory (VmHWM), bytes.
    public static func peakMemoryBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
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

extension CKKSParameterChoice {
    var literal: CKKSParameters.Literal {
        CKKSParameters.Literal(logN: logN, logQ: logQ, logP: logP, logScale: logScale, insecure: insecure)
    }
}

extension Plan {
    /// Whether any layer multiplies two ciphertexts.
    var needsRelinearization: Bool {
        layers.contains { layer in
            if case .polynomial(let poly) = layer { return !poly.schedule.products.isEmpty }
            return false
        }
    }
}

/// Keys and the CKKS backend for one run (client and server in one process).
struct CKKSSetup {
    let backend: CKKSBackend

    init(plan: Plan, threads: Int, needsRelinearization: Bool) throws {
        let parameters = try CKKSParameters(plan.parameters.literal)
        // The executor runs independent tiles on `threads` workers; limb-level
        // threads help where one ciphertext is all there is (a Type-D layer,
        // key generation). Nested `concurrentPerform` shares GCD's pool of
        // one thread per core, so the two levels do not oversubscribe.
        let context = CKKSContext(parameters: parameters, threads: threads)
        var generator = KeyGenerator(context: context)
        let relinearization = needsRelinearization ? generator.relinearizationKey() : nil
        let galois = plan.rotationSteps.isEmpty ? nil : generator.galoisKeys(steps: plan.rotationSteps)
        let evaluator = try HepexcCKKS.Evaluator(context: context, relinearizationKey: relinearization, galoisKeys: galois)
        let decryptor = try Decryptor(context: context, secretKey: generator.secretKey)
        // The client encrypts its own inputs, so it uses its secret key
        // (symmetric encryption: less noise, faster); the public key is what
        // a third party would encrypt with.
        backend = CKKSBackend(context: context, evaluator: evaluator, encryptionKey: .secretKey(generator.secretKey),
                              decryptor: decryptor)
    }
}
