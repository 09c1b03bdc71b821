internal import Foundation
public import HepexcPlan
internal import HepexcBenchmarks

/// Per-operation costs used to estimate latency (and to choose tile shapes).
/// Costs are measured at one ring size (`logN`, `limbs`) and scaled by N·limbs
/// for others. The defaults were measured with `hepexc bench ckks --logn 14
/// --limbs 4 --special 1` (one thread) on the reference machine (2-core Zen 3,
/// see docs/benchmarks.md); `hepexc compile --costs bench.json` uses a
/// `hepexc bench ckks --json` report from the machine at hand instead.
public struct CostModel: Sendable, Codable, Equatable {
    public var plainMultiply: Double
    public var cipherMultiply: Double
    public var constantMultiply: Double
    public var addition: Double
    public var rotation: Double
    public var rescale: Double
    /// The client's encoding and encryption of one input ciphertext.
    public var encryption: Double
    /// The ring the costs were measured at.
    public var logN: Int
    public var limbs: Int

    public static let `default` = CostModel(plainMultiply: 0.00024, cipherMultiply: 0.0056, constantMultiply: 0.00012,
                                            addition: 0.000075, rotation: 0.0076, rescale: 0.0017, encryption: 0.0030,
                                            logN: 14, limbs: 4)

    public init(plainMultiply: Double, cipherMultiply: Double, constantMultiply: Double, addition: Double,
                rotation: Double, rescale: Double, encryption: Double, logN: Int, limbs: Int) {
        self.plainMultiply = plainMultiply
        self.cipherMultiply = cipherMultiply
        self.constantMultiply = constantMultiply
        self.addition = addition
        self.rotation = rotation
        self.rescale = rescale
        self.encryption = encryption
        self.logN = logN
        self.limbs = limbs
    }

    /// Reads the per-operation medians of a `hepexc bench ckks --json` report
    /// (the operations by their ``BenchOperation`` names: the contract
    /// between the benchmark and this model).
    public init(benchReport path: String) throws(DriverError) {
        struct Report: Decodable {
            struct Result: Decodable { var name: String; var cpuSeconds: Double }
            var logN: Int
            var limbs: Int
            var results: [Result]
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidOption("--costs \(path): no such readable file")
        }
        // Reports are snake_case (ReportEncoder); older ones were camelCase.
        guard let report = (try? ReportEncoder.decoder.decode(Report.self, from: data)) ?? (try? JSONDecoder().decode(Report.self, from: data)) else {
            throw .invalidOption("--costs \(path) is not a `hepexc bench ckks --json` report")
        }
        func cost(_ operation: BenchOperation) throws(DriverError) -> Double {
            guard let result = report.results.first(where: { $0.name == operation.rawValue }),
                  result.cpuSeconds.isFinite, result.cpuSeconds >= 0 else {
                throw .invalidOption("--costs \(path) lacks the '\(operation.rawValue)' measurement")
            }
            return result.cpuSeconds
        }
        guard (2...17).contains(report.logN), report.limbs >= 1 else {
            throw .invalidOption("--costs \(path): logN \(report.logN) / limbs \(report.limbs) out of range")
        }
        let plain = try cost(.multiplyPlain)
        self.init(plainMultiply: plain, cipherMultiply: try cost(.multiplyRelinearize), constantMultiply: plain / 2,
                  addition: try cost(.add), rotation: try cost(.rotate), rescale: try cost(.rescale),
                  encryption: try cost(.encode) + cost(.encrypt), logN: report.logN, limbs: report.limbs)
    }

    /// The client's encryption of `ciphertexts` input ciphertexts.
    public func encryptionSeconds(ciphertexts: Int, logN: Int, limbs: Int) -> Double {
        Double(ciphertexts) * encryption * scale(logN: logN, limbs: limbs)
    }

    /// Costs grow with N·limbs from the ring they were measured at.
    func scale(logN: Int, limbs: Int) -> Double {
        Double(1 << logN) * Double(limbs) / (Double(1 << self.logN) * Double(self.limbs))
    }

    public func seconds(_ ops: OpCounts, logN: Int, limbs: Int) -> Double {
        let factor = scale(logN: logN, limbs: limbs)
        let total = Double(ops.plainMultiplies + ops.maskMultiplies) * plainMultiply
            + Double(ops.cipherMultiplies) * cipherMultiply
            + Double(ops.constantMultiplies) * constantMultiply
            + Double(ops.additions + ops.plainAdditions) * addition
            + Double(ops.rotations) * rotation
            + Double(ops.rescales) * rescale
            + Double(ops.bootstrapRotations) * rotation + Double(ops.bootstrapMultiplies) * cipherMultiply
        return total * factor
    }
}
