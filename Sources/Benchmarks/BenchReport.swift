internal import Foundation

/// One measured operation: medians over rounds of per-round medians.
public struct BenchResult: Codable, Sendable, Equatable {
    /// The operation's row name, e.g. `mul ct×ct + relin` (``CKKSBenchmark/Operation``).
    public var name: String
    public var cpuSeconds: Double
    public var wallSeconds: Double
    public var bestRoundCPUSeconds: Double
    public var repetitions: Int
}

/// The whole report (`--json` prints it as one object).
public struct BenchReport: Codable, Sendable {
    public var parameters: String
    public var logN: Int
    public var limbs: Int
    public var specialPrimes: Int
    public var digits: Int
    public var logQP: Int
    public var threads: Int
    public var rounds: Int
    public var loadAverage: [Double]
    public var results: [BenchResult]
    public var sizes: [String: Int]
    public var peakRSSBytes: Int
    public var maxAbsErrors: [String: Double]
    /// The vector kernel level that ran (`VectorISA`: scalar, avx2, avx512, ifma; `HEPEXC_ISA` lowers it).
    public var vectorKernels: String = "scalar"

    /// A Markdown table of the medians, sizes, peak memory and errors.
    public func table() -> String {
        var lines = ["hepexc CKKS bench: \(parameters), threads \(threads), rounds \(rounds), kernels \(vectorKernels), load \(loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))",
                     "", "| operation | CPU (median) | wall (median) | best round CPU | reps |", "|---|---:|---:|---:|---:|"]
        for r in results {
            lines.append("| \(r.name) | \(formatTime(r.cpuSeconds)) | \(formatTime(r.wallSeconds)) | \(formatTime(r.bestRoundCPUSeconds)) | \(r.repetitions) |")
        }
        lines.append("")
        for (k, v) in sizes.sorted(by: { $0.key < $1.key }) { lines.append("\(k): \(formatBytes(v))") }
        lines.append("peak RSS: \(formatBytes(peakRSSBytes))")
        for (k, v) in maxAbsErrors.sorted(by: { $0.key < $1.key }) { lines.append("max abs error \(k): \(String(format: "%.2e", v))") }
        return lines.joined(separator: "\n")
    }
}

func formatTime(_ s: Double) -> String {
    if s >= 1 { return String(format: "%.2f s", s) }
    if s >= 1e-3 { return String(format: s >= 0.1 ? "%.1f ms" : "%.2f ms", s * 1e3) }
    return String(format: "%.0f µs", s * 1e6)
}

func formatBytes(_ b: Int) -> String {
    let mib = Double(b) / 1_048_576
    return mib >= 1 ? String(format: "%.1f MiB", mib) : String(format: "%.0f KiB", Double(b) / 1024)
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}
