public import HepexcPlan

/// How samples are scored at a selection round.
public enum EncryptedPruningScore: String, Sendable, Codable, CaseIterable {
    /// HEFS: Σₖ|Pₖ − Yₖ| with the composite sign polynomials (depth 9).
    case hefs
    /// 2 − 2⟨P, Y⟩, exact for probability vectors (depth 1).
    case hefsFast = "hefs-fast"
    /// The server sends the encrypted logits (`LogitPacker`) and the client
    /// computes the exact HEFS score itself: no softmax or sign polynomial
    /// under encryption, the cheapest scoring round.
    case hefsClient = "hefs-client"
    /// A random subset at every round (no scoring; the baseline).
    case random

    var scoringMethod: ScoringMethod? {
        switch self {
        case .hefs: .hefs
        case .hefsFast: .hefsFast
        case .hefsClient, .random: nil
        }
    }
}

/// How a random subset (the first round, and every round of `--score random`)
/// is drawn.
public enum RandomSubsetUnit: String, Sendable, Codable, CaseIterable {
    /// Whole encrypted batches, drawn at random until k samples are covered:
    /// no ciphertext-wise pruning at all (HEPrune's `AdaUniformBin`). The
    /// client shuffles the samples (system CSPRNG) before it encrypts them, so
    /// whole batches are a uniformly random subset; it trains on ⌈k/batch⌉
    /// batches, as many steps as the merged copy would take.
    case ciphertexts
    /// k random samples, merged into dense ciphertexts (HEPrune's `AdaUniform`).
    case samples
}

/// HEPrune's schedule for encrypted training (research note §5): a random
/// subset before epoch 0, then every `selectEvery` epochs the current
/// encrypted model scores every encrypted sample, the client returns a
/// keep-mask, and the server merges the kept rows into dense ciphertexts
/// (ciphertext-wise pruning) and trains on those until the next round.
public struct EncryptedDataPruning: Sendable {
    public let selection: KeepSelection
    public let selectEvery: Int
    public let score: EncryptedPruningScore
    public let keys: PruningRotationKeys
    /// The client's seed for random subsets (drawn from the system CSPRNG
    /// by the caller), so that repeated runs over the same data — the CKKS
    /// run and its simulated reference — draw the same subsets.
    public let randomSeed: UInt64
    /// Keep each class's share of the samples (the client knows the
    /// labels; ``ClientAidedMasking/balancedKeepMask(_:labels:selection:)``).
    /// `false` is the paper's global top-k.
    public let balanced: Bool
    /// Whole ciphertexts or single samples for random subsets.
    public let randomUnit: RandomSubsetUnit

    /// - Throws: `DataPruningError` for a kept fraction outside (0, 1], a
    ///   window outside [0, 1) or `selectEvery` < 1.
    public init(keep: Double, selectEvery: Int = 3, score: EncryptedPruningScore = .hefs, window: Double = 0,
                keys: PruningRotationKeys = .composed, randomSeed: UInt64? = nil,
                balanced: Bool = true, randomUnit: RandomSubsetUnit = .ciphertexts) throws(DataPruningError) {
        self.balanced = balanced
        self.randomUnit = randomUnit
        var system = SystemRandomNumberGenerator()
        self.randomSeed = randomSeed ?? system.next()
        guard selectEvery >= 1 else { throw .invalidOption("--select-every must be at least 1, got \(selectEvery)") }
        selection = try KeepSelection(keptFraction: keep, window: window)
        self.selectEvery = selectEvery
        self.score = score
        self.keys = keys
    }

    /// Whether a selection happens before `epoch` (0-based).
    public func selects(before epoch: Int) -> Bool { epoch % selectEvery == 0 }
}

/// What one selection round did, as the protocol's two parties see it.
public struct EncryptedSelectionRound: Sendable, Codable, Equatable {
    public var epoch: Int
    /// `random` at the first round and for the random baseline.
    public var score: String
    public var candidates: Int
    public var kept: Int
    /// Server: forward pass, scoring and repacking of every sample.
    public var scoringSeconds: Double
    public var scoringCounts: OpCounts
    /// Bytes of packed scores the server sent up, and of the mask sent down.
    public var scoreBytes: Int
    public var maskBytes: Int
    /// Client: decrypting the scores and choosing the kept samples.
    public var maskingSeconds: Double
    /// Server: ciphertext-wise pruning.
    public var mergeSeconds: Double
    public var mergeRotations: Int
    public var mergeMultiplies: Int
    public var ciphertextsBefore: Int
    public var ciphertextsAfter: Int
    /// Galois keys CWP needs beyond the training layout's.
    public var additionalKeys: Int

    enum CodingKeys: String, CodingKey {
        case epoch, score, candidates, kept
        case scoringSeconds = "scoring_seconds", scoringCounts = "scoring_ops", scoreBytes = "score_bytes"
        case maskBytes = "mask_bytes", maskingSeconds = "masking_seconds", mergeSeconds = "merge_seconds"
        case mergeRotations = "merge_rotations", mergeMultiplies = "merge_multiplies"
        case ciphertextsBefore = "ciphertexts_before", ciphertextsAfter = "ciphertexts_after"
        case additionalKeys = "additional_keys"
    }
}

/// SplitMix64 seeded by the client: the random subsets of one run.
struct SubsetGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
