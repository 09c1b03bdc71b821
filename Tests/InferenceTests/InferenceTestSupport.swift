import Foundation
import HepexcData
import HepexcDriver
import HepexcPlan
import _HepexcTestSupport

/// Small insecure plans (tests only) written to a scratch folder.
enum InferenceTestSupport {
    /// A fresh scratch folder.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-inference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `bundled` compiled at N = 2^10 (insecure: tests only), written into `folder`.
    static func tinyPlan(_ bundled: BundledModel, in folder: URL) throws -> (plan: Plan, path: String) {
        let (plan, _) = try PlanRunner.compile(bundled.modelPath, options: .init(t1: 16, t2: 16, logN: 10, insecure: true))
        let path = folder.appendingPathComponent("\(bundled.name).hepx").path
        try PlanRunner.write(plan, to: path)
        return (plan, path)
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The `outputs` and `predictions` of a predictions.npz.
    static func predictions(_ path: String) throws -> (outputs: [[Double]], labels: [Int]) {
        let arrays = try NPZ.read(path: path)
        guard let outputs = arrays["outputs"], let labels = arrays["predictions"], outputs.shape.count == 2 else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let width = outputs.shape[1]
        let rows = (0..<outputs.shape[0]).map { Array(outputs.scalars[($0 * width)..<(($0 + 1) * width)]) }
        return (rows, labels.scalars.map { Int($0) })
    }

    static func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    static func argmax(_ row: [Double]) -> Int { row.indices.max { row[$0] < row[$1] } ?? 0 }

    /// Top-1 minus top-2 of a row.
    static func margin(_ row: [Double]) -> Double {
        let sorted = row.sorted(by: >)
        return sorted.count > 1 ? sorted[0] - sorted[1] : .infinity
    }

    /// 8-byte little-endian words of `bytes` (a whole number of words).
    static func words(_ bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count - 7, by: 8).map { offset in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
    }
}
