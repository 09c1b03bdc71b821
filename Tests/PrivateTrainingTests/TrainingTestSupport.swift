import HepexcCKKS
import HepexcData
import HepexcExecutor
import HepexcPrivateTraining

/// Small deterministic data and backends for the private-training tests.
enum TrainingTestSupport {
    /// A reproducible stream of doubles in [−1, 1) (tests only).
    struct Stream {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 52) - 1
        }
    }

    /// A noise-free backend with `levels` 40-bit levels above a 60-bit q0.
    static func simulated(slots: Int, levels: Int = 12) -> SimulatedBackend {
        var primes: [Double] = [0x1p60]
        for level in 0..<levels {
            let offset = Double((level + 1) * 4096)
            primes.append(0x1p40 - offset + 1)
        }
        return SimulatedBackend(slotCount: slots, moduli: primes, defaultScale: 0x1p40)
    }

    /// INSECURE (tests only): N = 2^8, 8 levels of 40 bits.
    static let insecureParameters: CKKSParameters? = try? CKKSParameters(
        CKKSParameters.Literal(logN: 8, logQ: [60] + Array(repeating: 40, count: 8), logP: [60], logScale: 40,
                               insecure: true))

    /// Gaussian-ish blobs: `classes` centres, samples scaled to norm ≤ 1.
    static func blobs(samples: Int, features: Int, classes: Int, seed: UInt64) throws -> TrainingProblem {
        var stream = Stream(state: seed)
        let centres = (0..<classes).map { _ in (0..<features).map { _ in stream.next() } }
        var rows: [[Double]] = [], labels: [Int] = []
        for i in 0..<samples {
            let label = i % classes
            rows.append(centres[label].map { $0 + 0.4 * stream.next() })
            labels.append(label)
        }
        let largest = rows.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 1
        return try TrainingProblem(features: rows.map { $0.map { $0 / largest } }, labels: labels, classCount: classes)
    }

    /// Writes `directory/name.npz`: three separable blobs in `width`
    /// dimensions (x float32, y int64), optionally with a NaN, other labels
    /// or fewer labels than rows.
    static func writeBlobs(directory: String, name: String, samples: Int, width: Int = 6, labels: [Int]? = nil,
                           scale: Double = 1, poison: Bool = false, labelCount: Int? = nil) throws -> String {
        var stream = Stream(state: 99)
        let centres = (0..<3).map { c in (0..<width).map { Double(($0 + c) % 3 == 0 ? 1 : 0) } }
        var x: [Double] = [], y: [Double] = []
        for i in 0..<samples {
            x += centres[i % 3].map { scale * ($0 + 0.2 * stream.next()) }
            y.append(Double(labels.map { $0[i % $0.count] } ?? i % 3))
        }
        if poison { x[5] = .nan }
        let path = "\(directory)/\(name).npz"
        let count = labelCount ?? samples
        try NPZ.write(["x": NumPyArray(shape: [samples, width], dtype: .float32, scalars: x),
                       "y": NumPyArray(shape: [count], dtype: .int64, scalars: Array(y.prefix(count)))], to: path)
        return path
    }
}
