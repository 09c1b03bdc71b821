internal import HepexcExecutor

/// `hepexc run --weights`: when the executor encodes weight plaintexts.
public enum WeightEncodingChoice: String, CaseIterable, Sendable, Codable {
    /// Streamed for one batch ciphertext (every weight is used once, so
    /// keeping it buys nothing), cached for several.
    case auto
    /// Encode every weight once before the first batch and keep it.
    case cached
    /// Encode each weight just before it is used, for every batch.
    case streamed

    /// The executor's policy for a run of `batches` batch ciphertexts.
    func resolved(batches: Int) -> WeightEncoding {
        switch self {
        case .auto: batches <= 1 ? .streamed : .cached
        case .cached: .cached
        case .streamed: .streamed
        }
    }
}
