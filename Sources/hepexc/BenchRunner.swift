import Foundation
import HepexcCKKS
import HepexcRing

/// One measured operation: medians over rounds of per-round medians.
struct BenchResult: Codable, Sendable {
    var name: String
    var cpuSeconds: Double
    var wallSeconds: Double
    var bestRoundCPUSeconds: Double
    var repetitions: Int
}

/// The whole report (`--json` prints it as one object).
struct BenchReport: Codable, Sendable {
    var parameters: String
    var logN: Int
    var limbs: Int
    var specialPrimes: Int
    var digits: Int
    var logQP: Int
    var threads: Int
    var rounds: Int
    var loadAverage: [Double]
    var results: [BenchResult]
    var sizes: [String: Int]
    var peakRSSBytes: Int
    var maxAbsErrors: [String: Double]

    func table() -> String {
        var lines = ["hepexc CKKS bench: \(parameters), threads \(threads), rounds \(rounds), load \(loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))",
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

/// Process CPU time and wall time in seconds.
func clocks() -> (cpu: Double, wall: Double) {
    var cpu = timespec(), wall = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu)
    clock_gettime(CLOCK_MONOTONIC, &wall)
    return (Double(cpu.tv_sec) + Double(cpu.tv_nsec) * 1e-9, Double(wall.tv_sec) + Double(wall.tv_nsec) * 1e-9)
}

/// Peak resident set size (VmHWM) in bytes, or 0 where /proc is missing.
func peakRSS() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let digits = line.split(separator: " ").compactMap { Int($0) }
        return (digits.first ?? 0) * 1024
    }
    return 0
}

func loadAverage() -> [Double] {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
    return text.split(separator: " ").prefix(3).compactMap { Double($0) }
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}
