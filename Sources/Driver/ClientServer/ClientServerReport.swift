internal import Foundation

/// What `keygen`, `encrypt`, `evaluate` and `decrypt` report: the files
/// written with their sizes, timings, and (decrypt with `--data`) scores.
public struct ClientServerReport: Sendable, Codable, Equatable {
    public var command: String
    public var model: String
    public var samples: Int?
    /// Batch tiles (t3 samples each).
    public var batches: Int?
    public var ciphertexts: Int?
    /// infer: HTTP evaluation requests sent.
    public var requests: Int?
    /// Files written, with their sizes in bytes.
    public var files: [String: Int]
    /// Wall-clock seconds per phase.
    public var timings: [String: Double]
    /// keygen: Galois keys and whether a relinearization key is included.
    public var galoisKeys: Int?
    public var relinearizationKey: Bool?
    public var accuracy: Double?
    public var correct: Int?
    public var mse: Double?
    /// decrypt --data: max |decrypted − plaintext plan| over every output.
    public var maxAbsError: Double?
    public var clippedInputs: Int?

    enum CodingKeys: String, CodingKey {
        case command, model, samples, batches, ciphertexts, requests, files, timings, accuracy, correct, mse
        case galoisKeys = "galois_keys"
        case relinearizationKey = "relinearization_key"
        case maxAbsError = "max_abs_error"
        case clippedInputs = "clipped_inputs"
    }

    init(command: String, model: String) {
        self.command = command
        self.model = model
        self.files = [:]
        self.timings = [:]
    }

    public var text: String {
        var lines = ["\(command) \(model)" + (samples.map { ": \($0) samples" } ?? "")
                     + (batches.map { " in \($0) batch tile(s)" } ?? "") + (ciphertexts.map { ", \($0) ciphertexts" } ?? "")
                     + (requests.map { ", \($0) request(s)" } ?? "")]
        if let galoisKeys, let relinearizationKey {
            lines.append("evaluation keys: \(galoisKeys) Galois key(s)" + (relinearizationKey ? " + relinearization key" : ""))
        }
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "wrote %@ (%.2f MiB)", path, Double(bytes) / 1_048_576))
        }
        if let accuracy, let correct, let samples { lines.append(String(format: "accuracy: %.4f (%d/%d)", accuracy, correct, samples)) }
        if let mse { lines.append(String(format: "mse: %.6g", mse)) }
        if let maxAbsError { lines.append(String(format: "max |encrypted − plaintext|: %.3g", maxAbsError)) }
        if !timings.isEmpty {
            lines.append("time: " + timings.sorted { $0.key < $1.key }.map { $0.key + String(format: " %.1f ms", $0.value * 1000) }
                .joined(separator: ", "))
        }
        if let clippedInputs, clippedInputs > 0 { lines.append("note: \(clippedInputs) input value(s) clipped into the plan's input range") }
        return lines.joined(separator: "\n")
    }
}

extension ClientServerReport: CommandOutcome {}

/// Wall-clock seconds of `body`.
func timed<T>(_ seconds: inout Double, _ body: () throws(DriverError) -> T) throws(DriverError) -> T {
    let start = Date()
    defer { seconds = Date().timeIntervalSince(start) }
    return try body()
}

extension ClientServer {
    /// A progress callback for `evaluate` that redraws a bar on standard
    /// error, or one that does nothing when standard error is not a terminal.
    public static func progressBarIfTerminal() -> (Int, Int) -> Void {
        ProgressBar.counterIfTerminal(label: "evaluate batch") ?? { _, _ in }
    }
}
