internal import Foundation
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// What the operating system says about this process: CPU and wall clocks,
/// peak resident memory, load. The one place that reads `/proc`; every
/// report (benchmarks, `run`, training) measures through it.
public enum ProcessMetrics {
    /// CPU time of the whole process so far (all threads), seconds.
    public static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// A monotonic wall clock, seconds.
    public static func wallSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Process CPU time and wall time, read together.
    public static func clocks() -> (cpu: Double, wall: Double) {
        (cpuSeconds(), wallSeconds())
    }

    /// The process's peak resident set size (VmHWM) in bytes, or 0 where
    /// `/proc` is missing.
    public static func peakMemoryBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(line.filter(\.isNumber)) ?? 0) * 1024
        }
        return 0
    }

    /// The 1, 5 and 15 minute load averages, or nothing where `/proc` is missing.
    public static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }
}
