internal import Foundation
public import HepexcCKKS

/// `hepexc bench bootstrap`: one parameter set, keys made once, then `repetitions`
/// bootstraps of one fresh encryption of uniform values in [−1, 1] at level 0.
public struct BootstrapBench: Sendable {
    public let literal: CKKSParameters.Literal
    public let bootstrap: BootstrapParameters
    public let threads: Int
    public let repetitions: Int

    public init(literal: CKKSParameters.Literal, bootstrap: BootstrapParameters, threads: Int, repetitions: Int) {
        self.literal = literal
        self.bootstrap = bootstrap
        self.threads = threads
        self.repetitions = repetitions
    }

    /// Runs it.
    /// - Throws: `HEError` (parameters that cannot hold a bootstrap, or an internal failure).
    public func run() throws -> BootstrapBenchReport {
        let parameters = try CKKSParameters(literal)
        let setupStart = ProcessMetrics.wallSeconds()
        let context = CKKSContext(parameters: parameters, threads: threads)
        let steps = try Bootstrapper.rotationSteps(for: bootstrap, parameters: parameters)
        var keygen = KeyGenerator(context: context)
        let relinearization = keygen.relinearizationKey()
        let galois = keygen.galoisKeys(steps: steps, conjugation: true)
        let evaluator = try Evaluator(context: context, relinearizationKey: relinearization, galoisKeys: galois)
        let encapsulation = try bootstrap.ephemeralSecretWeight.map { try keygen.encapsulationKeys(hammingWeight: $0) }
        // The key-independent transforms (a server encodes them once per plan),
        // then one key owner's bootstrapper on top (what each request costs).
        let transformsStart = ProcessMetrics.wallSeconds()
        let transforms = try BootstrapTransforms(context: context, parameters: bootstrap)
        let bootstrapperStart = ProcessMetrics.wallSeconds()
        let bootstrapper = try Bootstrapper(transforms: transforms, evaluator: evaluator, encapsulationKeys: encapsulation)
        let setupEnd = ProcessMetrics.wallSeconds()
        let setupSeconds = setupEnd - setupStart
        let encoder = CKKSEncoder(context: context)
        var encryptor = try Encryptor(context: context, publicKey: keygen.publicKey())
        let decryptor = try Decryptor(context: context, secretKey: keygen.secretKey)
        var generator = SystemRandomNumberGenerator()
        let slots = bootstrap.slots, copies = parameters.slotCount / slots
        let values = (0..<slots).map { _ in Double.random(in: -1...1, using: &generator) }
        let input = try encryptor.encrypt(Array(repeatElement(values, count: copies).joined()), encoder: encoder, level: 0)
        var wall: [Double] = [], cpu: [Double] = [], errors: [Double] = []
        var levelAfter = 0
        for _ in 0..<repetitions {
            let start = ProcessMetrics.clocks()
            let output = try bootstrapper.bootstrap(input)
            let end = ProcessMetrics.clocks()
            wall.append(end.wall - start.wall); cpu.append(end.cpu - start.cpu)
            levelAfter = output.level
            let decoded = encoder.decode(decryptor.decrypt(output))
            errors += zip(decoded.prefix(slots), values).map { abs($0 - $1) }
        }
        let mean = errors.reduce(0, +) / Double(max(errors.count, 1))
        let worst = errors.max() ?? 0
        return BootstrapBenchReport(
            parameters: parameters.description, logN: parameters.logN, slots: slots,
            secure: !literal.insecure, logQP: parameters.logQP, digits: parameters.digitCount,
            levelsBefore: parameters.maxLevel, levelsAfter: levelAfter, depth: bootstrap.depth,
            modulusRange: bootstrap.modulusRange, doubleAngles: bootstrap.doubleAngles,
            chebyshevDegree: bootstrap.chebyshevDegree, ephemeralSecretWeight: bootstrap.ephemeralSecretWeight,
            encapsulationKeyBytes: encapsulation?.byteCount ?? 0, threads: threads, setupSeconds: setupSeconds,
            transformsSeconds: bootstrapperStart - transformsStart, bootstrapperSeconds: setupEnd - bootstrapperStart,
            bootstrapWallSeconds: wall, bootstrapCPUSeconds: cpu, medianWallSeconds: median(wall),
            medianCPUSeconds: median(cpu), precisionMeanBits: -Foundation.log2(mean), precisionWorstBits: -Foundation.log2(worst),
            rotationKeys: steps.count, galoisKeyBytes: galois.keys.values.reduce(0) { $0 + $1.byteCount },
            relinearizationKeyBytes: relinearization.key.byteCount, plaintextBytes: bootstrapper.plaintextBytes,
            peakRSSBytes: ProcessMetrics.peakMemoryBytes(), loadAverage: ProcessMetrics.loadAverage())
    }
}

/// What `hepexc bench bootstrap` measured (`--json` prints it as one object).
public struct BootstrapBenchReport: Codable, Sendable {
    public var parameters: String
    public var logN: Int
    public var slots: Int
    public var secure: Bool
    public var logQP: Int
    public var digits: Int
    public var levelsBefore: Int
    public var levelsAfter: Int
    public var depth: Int
    public var modulusRange: Int
    public var doubleAngles: Int
    public var chebyshevDegree: Int
    /// h of the ephemeral secret (sparse-secret encapsulation), nil without it.
    public var ephemeralSecretWeight: Int?
    /// Both encapsulation keys (0 without encapsulation).
    public var encapsulationKeyBytes: Int
    public var threads: Int
    public var setupSeconds: Double
    /// Wall seconds encoding the linear transforms (part of `setupSeconds`;
    /// a server pays it once per plan).
    public var transformsSeconds: Double
    /// Wall seconds making a bootstrapper from encoded transforms and one
    /// owner's keys (what each server request pays).
    public var bootstrapperSeconds: Double
    public var bootstrapWallSeconds: [Double]
    public var bootstrapCPUSeconds: [Double]
    public var medianWallSeconds: Double
    public var medianCPUSeconds: Double
    /// −log2 of the mean absolute error over slots and repetitions.
    public var precisionMeanBits: Double
    /// −log2 of the largest absolute error.
    public var precisionWorstBits: Double
    public var rotationKeys: Int
    public var galoisKeyBytes: Int
    public var relinearizationKeyBytes: Int
    public var plaintextBytes: Int
    public var peakRSSBytes: Int
    public var loadAverage: [Double]

    /// A Markdown summary.
    public func table() -> String {
        [
            "hepexc bootstrap bench: \(parameters)\(secure ? "" : " (INSECURE)"), \(slots) slots, threads \(threads), "
                + "load \(loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))",
            "",
            "| quantity | value |", "|---|---:|",
            "| bootstrap wall (median of \(bootstrapWallSeconds.count)) | \(formatTime(medianWallSeconds)) |",
            "| bootstrap CPU (median) | \(formatTime(medianCPUSeconds)) |",
            "| levels before → after | \(levelsBefore) → \(levelsAfter) (depth \(depth)) |",
            "| precision mean / worst | \(String(format: "%.1f", precisionMeanBits)) / \(String(format: "%.1f", precisionWorstBits)) bits |",
            "| EvalMod | K = \(modulusRange), r = \(doubleAngles), degree \(chebyshevDegree) |",
            "| ModRaise secret | " + (ephemeralSecretWeight.map { "sparse-secret encapsulation, h = \($0): keys \(formatBytes(encapsulationKeyBytes))" }
                                     ?? "uniform ternary (no encapsulation)") + " |",
            "| rotation keys | \(rotationKeys) + conjugation: \(formatBytes(galoisKeyBytes)) |",
            "| relinearization key | \(formatBytes(relinearizationKeyBytes)) |",
            "| linear-transform plaintexts | \(formatBytes(plaintextBytes)) |",
            "| setup (keys, plaintexts) | \(formatTime(setupSeconds)) |",
            "| of which encoding the transforms (once per server) / a bootstrapper on them (per request) | "
                + "\(formatTime(transformsSeconds)) / \(formatTime(bootstrapperSeconds)) |",
            "| peak RSS | \(formatBytes(peakRSSBytes)) |",
        ].joined(separator: "\n")
    }
}
