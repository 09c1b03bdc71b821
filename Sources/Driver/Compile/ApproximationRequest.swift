internal import Foundation
internal import HepexcIR
internal import HepexcPasses

/// `--approximate relu=poly2,sigmoid=poly3,maxpool=avgpool` with its data
/// and fine-tuning options (`compile`, docs/approximation.md).
public struct ApproximationRequest: Sendable {
    /// The replacement list, as the `approximate` pass's options.
    public var spec: String
    /// Calibration data (the observed input range of each activation) and,
    /// with `retrain`, the fine-tuning set.
    public var data: String?
    /// Where accuracies are measured (default: the held-out part of `data`).
    public var test: String?
    public var retrain = false
    public var epochs = 2
    public var learningRate: Double?
    public var validationSplit = 0.1
    public var seed: UInt64 = 0
    /// Write the approximated (and fine-tuned) model as textual IR.
    public var saveIR: String?
    /// Samples of `data` whose activation inputs fix the fitted ranges.
    public var calibrationSamples = 2048

    public init(spec: String, data: String? = nil, test: String? = nil, retrain: Bool = false, epochs: Int = 2) {
        self.spec = spec
        self.data = data
        self.test = test
        self.retrain = retrain
        self.epochs = epochs
    }

    /// The pass the spec describes.
    /// - Throws: `invalidOption` naming the bad entry.
    func pass() throws(DriverError) -> ApproximatePass {
        var options: [String: String] = [:]
        for entry in spec.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .invalidOption("--approximate '\(entry)' is not name=replacement (e.g. relu=poly2, maxpool=avgpool)")
            }
            guard options[parts[0]] == nil else { throw .invalidOption("--approximate names '\(parts[0])' twice") }
            options[parts[0]] = parts[1]
        }
        guard !options.isEmpty else { throw .invalidOption("--approximate needs at least one name=replacement (e.g. relu=poly2)") }
        do { return try ApproximatePass(options: options) } catch {
            if case let .invalidOption(_, option, reason) = error { throw .invalidOption("--approximate \(option): \(reason)") }
            throw .pass(error)
        }
    }

    /// - Throws: `invalidOption` naming the offending option.
    public func validate() throws(DriverError) {
        _ = try pass()
        if retrain, data == nil { throw .invalidOption("--retrain needs --data (the fine-tuning set)") }
        if epochs < 1 { throw .invalidOption("--epochs must be at least 1") }
        if !(0..<1).contains(validationSplit) { throw .invalidOption("--validation-split must be in [0, 1)") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw .invalidOption("--learning-rate must be positive") }
    }
}

/// What `--approximate` did, with the accuracy at each step.
public struct ApproximationReport: Codable, Sendable {
    public struct Replacement: Codable, Sendable {
        /// The operation's result (`%3`).
        public var value: String
        public var function: String
        public var degree: Int
        public var interval: [Double]
        /// Whether `interval` was observed on the calibration data.
        public var observed: Bool
        /// max |p − f| on the interval.
        public var maxError: Double
    }
    public var replacements: [Replacement] = []
    public var maxPoolsReplaced = 0
    /// The data the accuracies below are measured on.
    public var metricData: String?
    public var accuracyOriginal: Double?
    public var accuracyApproximated: Double?
    public var accuracyRetrained: Double?
    public var epochs: Int?

    public var text: String {
        var lines = ["approximation:"]
        for r in replacements {
            lines.append(String(format: "  %%%@ %@ → poly%d on [%.4g, %.4g] (%@), max error %.3g", r.value, r.function, r.degree,
                                r.interval[0], r.interval[1], r.observed ? "observed" : "fixed", r.maxError))
        }
        if maxPoolsReplaced > 0 { lines.append("  \(maxPoolsReplaced) maxpool2d → avgpool2d") }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.2f %%", $0 * 100) } ?? "—" }
        if let metricData {
            lines.append("  accuracy on \(metricData): original \(percent(accuracyOriginal)), approximated \(percent(accuracyApproximated))"
                         + (accuracyRetrained != nil ? ", retrained (\(epochs ?? 0) epoch\(epochs == 1 ? "" : "s")) \(percent(accuracyRetrained))" : ""))
        }
        return lines.joined(separator: "\n")
    }
}
