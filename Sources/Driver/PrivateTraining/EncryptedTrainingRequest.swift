/// Where the encrypted run executes.
public enum EncryptedTrainingBackend: String, Sendable, Codable, CaseIterable {
    /// Real CKKS, client and server in one process.
    case ckks
    /// The same arithmetic on cleartext slots (levels and scales tracked).
    case simulated
}

/// How the client normalises features before encrypting them.
public enum FeatureNormalisation: String, Sendable, Codable, CaseIterable {
    /// Subtract the training mean of each feature, then divide every row by
    /// the largest training-row norm (rows have norm ≤ 1).
    case centre
    /// Standardise each feature on the training set, then divide every row
    /// by the largest training-row norm (rows have norm ≤ 1).
    case standard
    /// Use the features as given (they must already have norm ≤ 1).
    case none
}

/// How ciphertexts that run out of levels get fresh ones.
public enum EncryptedTrainingRefresh: String, Sendable, Codable, CaseIterable {
    /// The client decrypts and re-encrypts them (docs/private-training.md).
    case client
    /// No refreshing: fails when a ciphertext runs out of levels.
    case none
    /// CKKS bootstrapping on the server: no traffic after the upload
    /// (a bootstrappable chain: N = 2^16 at 128-bit security).
    case bootstrap
}

/// The learning-rate schedule over all steps of a run.
public enum EncryptedTrainingSchedule: String, Sendable, Codable, CaseIterable {
    case constant, cosine, linear
}

/// Everything `hepexc train-encrypted` needs.
public struct EncryptedTrainingRequest: Sendable {
    /// Training data (`.npz`, `.npy` + labels, idx): inputs and labels.
    public var dataPath: String
    /// Test data, same format.
    public var testPath: String
    /// A frozen backbone (ONNX, Keras, .hepir) run on the client.
    public var backbonePath: String?
    /// The backbone value used as features (`%name` or `name`); default: its output.
    public var featureValue: String?
    public var epochs = 7
    public var batchSize = 128
    public var learningRate = 10.0
    public var momentum = 0.9
    public var schedule: EncryptedTrainingSchedule = .cosine
    public var backend: EncryptedTrainingBackend = .ckks
    public var refresh: EncryptedTrainingRefresh = .client
    public var normalisation: FeatureNormalisation = .centre
    /// Classes; default: the largest training label + 1.
    public var classCount: Int?
    /// U: the softmax's bound on centred logits.
    public var softmaxDomain = 16.0
    /// k: the exp approximation's cubic sees u/2^k.
    public var softmaxSquarings = 7
    /// m: the softmax runs at temperature 2^m and is sharpened m times.
    public var softmaxSharpenings = 2
    /// log2 of the CKKS ring degree (parameters chosen at 128-bit security).
    public var logN = 14
    /// Permit rings below 128-bit security (N = 2^10 … 2^12; tests and demos):
    /// the report marks them INSECURE.
    public var allowInsecure = false
    /// Worker threads for CKKS limb arithmetic.
    public var threads = 2
    /// Also run the simulated backend beside CKKS and compare the weights
    /// after every epoch.
    public var compareWithSimulated = true
    /// Where the trained model (backbone + normalisation + head) goes.
    public var outputPath: String?

    /// HEPrune's encrypted data pruning (`--keep`); `nil` trains on all data.
    public var dataPruning: EncryptedDataPruningRequest?

    public init(dataPath: String, testPath: String) {
        self.dataPath = dataPath
        self.testPath = testPath
    }
}

extension EncryptedTrainingRequest {
    /// The default `--log-n` for a refresh mode: 16 for bootstrapping (the
    /// only 128-bit ring that holds a bootstrap), 14 otherwise.
    public static func defaultLogN(refresh: EncryptedTrainingRefresh) -> Int { refresh == .bootstrap ? 16 : 14 }
}

/// `--keep P --select-every E --score S --window W` of `train-encrypted`.
public struct EncryptedDataPruningRequest: Sendable {
    public var keep: Double
    public var selectEvery = 3
    public var score: EncryptedPruningScoreName = .hefs
    public var window = 0.0
    /// Keep each class's share (default); `false` is the paper's global top-k.
    public var balanced = true
    /// How random subsets are drawn: whole ciphertexts (default, no merge) or samples.
    public var randomUnit: RandomSubsetUnitName = .ciphertexts
    public init(keep: Double) { self.keep = keep }

    /// - Throws: `DriverError.invalidOption` naming the offending option.
    public func validate() throws(DriverError) {
        if !(keep > 0 && keep <= 1) { throw .invalidOption("--keep must be in (0, 1], got \(keep)") }
        if selectEvery < 1 { throw .invalidOption("--select-every must be at least 1, got \(selectEvery)") }
        if !(window >= 0 && window < 1) { throw .invalidOption("--window must be in [0, 1), got \(window)") }
    }
}

/// `--random-subset`: the unit of random subsets in encrypted data pruning.
public enum RandomSubsetUnitName: String, CaseIterable, Sendable {
    case ciphertexts, samples
}

/// The importance score of encrypted data pruning.
public enum EncryptedPruningScoreName: String, CaseIterable, Sendable {
    case hefs, hefsFast = "hefs-fast", hefsClient = "hefs-client", random
}
