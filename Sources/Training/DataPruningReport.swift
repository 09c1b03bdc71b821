/// One selection round of dynamic data pruning.
public struct DataSelectionRound: Sendable, Codable, Equatable {
    /// The first epoch (1-based) trained on this subset.
    public var epoch: Int
    /// The score that chose it: `random` in the first round, then the
    /// configured ``DataScore``.
    public var score: String
    /// Samples scored (the whole training set).
    public var candidates: Int
    /// Samples kept (exactly ⌈p·n⌉).
    public var kept: Int
    /// Kept samples that were also kept in the previous round (nil in the first).
    public var retained: Int?
    /// Wall time of the forward pass over all samples plus the scores.
    public var scoringSeconds: Double
    /// Wall time of the mask selection (client-aided masking).
    public var selectionSeconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, score, candidates, kept, retained
        case scoringSeconds = "scoring_seconds"
        case selectionSeconds = "selection_seconds"
    }
}

/// What dynamic data pruning did in a training run.
public struct DataPruningReport: Sendable, Codable, Equatable {
    /// The kept fraction p.
    public var keptFraction: Double
    /// The skipped top fraction w.
    public var window: Double
    /// Epochs between selections.
    public var selectEvery: Int
    /// The configured score.
    public var score: String
    /// One entry per selection round.
    public var rounds: [DataSelectionRound]
    /// Samples trained on (forward + backward), summed over the epochs.
    public var samplesProcessed: Int
    /// What full-data training of the same epochs would process.
    public var fullDataSamples: Int
    /// Samples run forward only, to score them (all rounds after the first).
    public var samplesScored: Int
    /// Wall time of all scoring and selection.
    public var selectionSeconds: Double

    enum CodingKeys: String, CodingKey {
        case window, score, rounds
        case keptFraction = "kept_fraction"
        case selectEvery = "select_every"
        case samplesProcessed = "samples_processed"
        case fullDataSamples = "full_data_samples"
        case samplesScored = "samples_scored"
        case selectionSeconds = "selection_seconds"
    }
}
