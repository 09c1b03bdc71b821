internal import Foundation
internal import HepexcData
internal import HepexcInference
internal import HepexcPlan

/// Reading and writing the client/server files: plans (with the security
/// gate), artifacts as bytes, the secret key with mode 0600, predictions.
enum ArtifactFiles {
    /// The plan at `path`, refused below 128-bit security unless `allowInsecure`.
    static func plan(_ path: String, allowInsecure: Bool) throws(DriverError) -> Plan {
        let plan = try PlanRunner.read(path)
        if !allowInsecure, !plan.meetsSecurityStandard {
            let p = plan.parameters
            throw .insecureParameters("\(path): N = 2^\(p.logN) with log2(QP) = \(p.logQ.reduce(0, +) + p.logP.reduce(0, +)) "
                                      + "is below 128-bit security; encrypting with it protects nothing (pass --allow-insecure for tests)")
        }
        return plan
    }

    static func read(_ path: String) throws(DriverError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .frontend(.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"))
        }
        return [UInt8](data)
    }

    /// `body` with errors naming `path`.
    static func reading<T>(_ path: String, _ body: () throws(InferenceError) -> T) throws(DriverError) -> T {
        do { return try body() } catch { throw .inference(path: path, error: error) }
    }

    /// Writes `bytes` atomically with mode 0600 from the first byte on: an
    /// empty 0600 file is created beside `path`, filled, then renamed over it.
    static func writeSecret(_ bytes: [UInt8], to path: String) throws(DriverError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw .write(path: path, reason: "cannot create a file in its directory")
        }
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .write(path: path, reason: error.localizedDescription)
        }
    }

    /// `predictions.npz`: `outputs` float64 [samples, outputs] in sample
    /// order and `predictions` int64 [samples] (the argmax of each row).
    static func writePredictions(_ outputs: [[Double]], to path: String) throws(DriverError) {
        let width = outputs.first?.count ?? 0
        let arrays = [
            "outputs": NumPyArray(shape: [outputs.count, width], dtype: .float64, scalars: outputs.flatMap { $0 }),
            "predictions": NumPyArray(shape: [outputs.count], dtype: .int64, scalars: argmax(outputs).map(Double.init)),
        ]
        let data: Data
        do { data = try NPZ.encode(arrays) } catch { throw DriverError(error) }
        try OutputFile.write(data, to: path)
    }

    static func argmax(_ outputs: [[Double]]) -> [Int] {
        outputs.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
