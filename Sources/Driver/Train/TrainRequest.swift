/// Everything `hepexc train` needs (docs/training.md).
public struct TrainRequest: Sendable {
    /// Input scaling: `unit` (uint8 / 255), `none`, or `standard` (also
    /// (x − mean)/std, baked into the model).
    public enum Normalization: String, CaseIterable, Sendable { case unit, none, standard }
    public enum Schedule: String, CaseIterable, Sendable { case constant, step, exponential }
    public enum Optimizer: String, CaseIterable, Sendable { case sgd, adam }
    public enum LossName: String, CaseIterable, Sendable { case crossEntropy = "cross-entropy", mse }
    /// HEPrune's importance scores for dynamic data pruning (docs/training.md).
    public enum DataScoreName: String, CaseIterable, Sendable {
        case hefs, hefsFast = "hefs-fast", l1, random
    }
    /// Dynamic data pruning: train on `keep` of the samples, re-selected by
    /// `score` every `selectEvery` epochs (the first subset is random),
    /// skipping the top `window` fraction.
    public struct DataPruning: Sendable {
        public var keep: Double
        public var selectEvery = 3
        public var score: DataScoreName = .hefs
        public var window = 0.0
        public init(keep: Double) { self.keep = keep }
    }
    /// Replacements for ReLU.
    public enum ReLUReplacement: String, CaseIterable, Sendable { case poly2 }

    public var model: ModelRequest
    public var data: DataRequest
    public var validation: String?
    public var validationSplit: Double = 0
    public var test: String?
    public var normalize: Normalization = .unit
    /// The trained model (.hepir or .onnx).
    public var output: String
    public var epochs: Int = 5
    public var batchSize: Int = 64
    public var optimizer: Optimizer = .adam
    /// `nil`: 0.001 for Adam, 0.01 for SGD.
    public var learningRate: Double?
    public var momentum: Double = 0.9
    public var weightDecay: Double = 0
    public var schedule: Schedule = .constant
    public var stepSize: Int = 1
    public var gamma: Double = 0.5
    /// `nil`: from the data.
    public var loss: LossName?
    public var seed: UInt64 = 0
    public var fromScratch = false
    public var replaceReLU: ReLUReplacement?
    public var freezePolynomials = false
    /// Mask this fraction of the smallest weights of each layer first.
    public var maskSmallest: Double?
    public var foldBatchNorm = true
    public var threads: Int?
    /// No per-epoch lines when not on a terminal.
    public var quiet = false
    /// HEPrune's dynamic data pruning (`--keep`); `nil` trains on all data.
    public var dataPruning: DataPruning?

    public init(model: ModelRequest, data: DataRequest, output: String) {
        self.model = model
        self.data = data
        self.output = output
    }

    /// - Throws: `DriverError.invalidOption` naming the offending option.
    public func validate() throws(DriverError) {
        if epochs < 1 { throw .invalidOption("--epochs must be at least 1") }
        if batchSize < 1 { throw .invalidOption("--batch-size must be at least 1") }
        if let threads, threads < 1 { throw .invalidOption("--threads must be at least 1") }
        if !(0..<1).contains(validationSplit) { throw .invalidOption("--validation-split must be in [0, 1)") }
        if validation != nil && validationSplit > 0 { throw .invalidOption("give --validation or --validation-split, not both") }
        if let maskSmallest, !(0..<1).contains(maskSmallest) { throw .invalidOption("--mask-smallest must be in [0, 1)") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw .invalidOption("--lr must be positive") }
        if stepSize < 1 { throw .invalidOption("--step-size must be at least 1") }
        if let dataPruning {
            if !(dataPruning.keep > 0 && dataPruning.keep <= 1) { throw .invalidOption("--keep must be in (0, 1], got \(dataPruning.keep)") }
            if dataPruning.selectEvery < 1 { throw .invalidOption("--select-every must be at least 1, got \(dataPruning.selectEvery)") }
            if !(dataPruning.window >= 0 && dataPruning.window < 1) { throw .invalidOption("--window must be in [0, 1), got \(dataPruning.window)") }
        }
        let file = output.split(separator: "/").last.map(String.init) ?? output
        let ext = file.contains(".") ? (file.split(separator: ".").last.map { $0.lowercased() } ?? "") : ""
        if !["hepir", "hir", "onnx"].contains(ext) {
            throw .invalidOption("-o must end in .hepir or .onnx, got '\(output)'")
        }
    }
}
