public import HepexcPlan

/// What `hepexc run` reports.
public struct RunReport: Sendable, Codable, Equatable {
    public var model: String
    public var backend: String
    public var samples: Int
    public var batchCiphertexts: Int
    public var accuracy: Double?
    public var correct: Int?
    public var mse: Double?
    /// max |encrypted − plaintext| over every output of every sample; the
    /// plaintext reference is the same plan evaluated in exact arithmetic.
    public var maxAbsError: Double
    /// Wall-clock seconds per phase.
    public var timings: [String: Double]
    /// Process CPU seconds per phase (all threads together): the robust
    /// number on a shared machine.
    public var cpuTimings: [String: Double]
    public var peakMemoryBytes: Int
    /// Operations the executor ran, all batch ciphertexts together.
    public var ops: OpCounts
    public var encryptedWeights: Bool
    /// Input values clipped into the plan's range (`--clip-inputs`).
    public var clippedInputs = 0
    /// When weight plaintexts were encoded: `cached` (before the first
    /// batch, the `encode_weights` phase) or `streamed` (inside `execute`).
    public var weightEncoding: String?

    enum CodingKeys: String, CodingKey {
        case model, backend, samples, accuracy, correct, mse, timings, ops
        case cpuTimings = "cpu_timings"
        case batchCiphertexts = "batch_ciphertexts"
        case maxAbsError = "max_abs_error"
        case peakMemoryBytes = "peak_memory_bytes"
        case encryptedWeights = "encrypted_weights"
        case clippedInputs = "clipped_inputs"
        case weightEncoding = "weight_encoding"
    }

    public var text: String {
        var lines = ["run \(model) on \(backend): \(samples) samples in \(batchCiphertexts) batch ciphertext(s)"
                     + (encryptedWeights ? ", encrypted weights" : "") + (weightEncoding.map { ", \($0) weights" } ?? "")]
        if let accuracy, let correct { lines.append(String(format: "accuracy: %.4f (%d/%d)", accuracy, correct, samples)) }
        if let mse { lines.append(String(format: "mse: %.6g", mse)) }
        lines.append(String(format: "max |encrypted − plaintext|: %.3g", maxAbsError))
        let order = ["keygen", "encode_weights", "encrypt", "execute", "decrypt", "total"]
        lines.append("time: " + order.compactMap { key in timings[key].map { key + String(format: " %.1f ms", $0 * 1000) } }.joined(separator: ", "))
        lines.append("cpu:  " + order.compactMap { key in cpuTimings[key].map { key + String(format: " %.1f ms", $0 * 1000) } }.joined(separator: ", "))
        if batchCiphertexts > 0, let execute = timings["execute"], let encrypt = timings["encrypt"] {
            lines.append(String(format: "per batch ciphertext: client encrypt %.1f ms, server execute %.1f ms",
                                encrypt * 1000 / Double(batchCiphertexts), execute * 1000 / Double(batchCiphertexts)))
        }
        lines.append(String(format: "peak memory: %.1f MiB", Double(peakMemoryBytes) / 1_048_576))
        lines.append("ops executed: \(ops)")
        if clippedInputs > 0 { lines.append("note: \(clippedInputs) input value(s) clipped into the plan's input range") }
        return lines.joined(separator: "\n")
    }
}

extension RunReport: CommandOutcome {}
