/// Everything `hepexc compile` needs: the model, the tile choice, compiler
/// options, how `--tile auto` chooses, and an optional HE-PEx scheme.
public struct CompileRequest: Sendable {
    public var model: String
    public var tile: TileChoice
    /// Minimum samples per ciphertext (raises N if needed); with the latency
    /// objective, the batch whose latency is minimised.
    public var batch: Int?
    /// Extra passes before lowering.
    public var passes: String?
    /// INSECURE: force this log2 ring degree below the security bound (tests only).
    public var insecureLogN: Int?
    /// With `--tile auto`, skip shapes whose estimated server memory exceeds this.
    public var maxMemoryMiB: Int
    /// A `hepexc bench ckks --json` report for the cost model.
    public var costs: String?
    public var firstForm: FirstLayerForm?
    /// Allow diagonal (Type-D) layers.
    public var diagonal: Bool
    /// 35, 40, 45 or 50; `nil` takes 40 where it fits the ring.
    public var scaleBits: Int?
    /// The largest output error wanted (`--precision`, e.g. 1e-7): the
    /// compiler takes the cheapest scale whose expected error meets it.
    public var precision: Double?
    /// `nil`: latency when `batch` is given, else throughput.
    public var objective: CompileObjective?
    /// Where to write the plan.
    public var output: String?
    /// An HE-PEx pruning scheme with retraining, run before lowering.
    public var scheme: SchemeRequest?
    /// No progress lines on standard error.
    public var quiet: Bool
    /// The range of every input feature the plan accepts (`--input-range`);
    /// `nil`: the calibration data's, else −1…1.
    public var inputRange: ClosedRange<Double>?
    /// A data set whose values tighten the value bounds (`--calibration`);
    /// with `--scheme`, its training data is used when this is absent.
    public var calibration: String?
    /// `--approximate`: make the model HE-friendly before anything else.
    public var approximation: ApproximationRequest?
    /// How convolutions are packed (`--conv`): Toeplitz tiles, batch-packed, or the cost model's choice.
    public var conv: ConvPacking = .auto
    /// `--bootstrap`: `auto` places bootstraps in a model too deep for the chain.
    public var bootstrap: BootstrapMode = .auto
    /// `--bootstrap-levels`: levels left after each bootstrap; a deeper model
    /// then always bootstraps (`nil`: the placement pass chooses).
    public var bootstrapLevels: Int?

    public init(model: String, tile: TileChoice = .fixed(t1: 16, t2: 16), batch: Int? = nil, passes: String? = nil,
                insecureLogN: Int? = nil, maxMemoryMiB: Int = 4096, costs: String? = nil, firstForm: FirstLayerForm? = nil,
                diagonal: Bool = true, scaleBits: Int? = nil, objective: CompileObjective? = nil, output: String? = nil,
                scheme: SchemeRequest? = nil, quiet: Bool = false, inputRange: ClosedRange<Double>? = nil,
                calibration: String? = nil, approximation: ApproximationRequest? = nil, precision: Double? = nil) {
        self.approximation = approximation
        self.precision = precision
        self.inputRange = inputRange
        self.calibration = calibration
        self.model = model
        self.tile = tile
        self.batch = batch
        self.passes = passes
        self.insecureLogN = insecureLogN
        self.maxMemoryMiB = maxMemoryMiB
        self.costs = costs
        self.firstForm = firstForm
        self.diagonal = diagonal
        self.scaleBits = scaleBits
        self.objective = objective
        self.output = output
        self.scheme = scheme
        self.quiet = quiet
    }

    /// The objective in force (stated in the report).
    public var effectiveObjective: CompileObjective { objective ?? (batch != nil ? .latency : .throughput) }

    /// Checks the options against each other.
    /// - Throws: `DriverError.invalidOption` naming the offending option.
    public func validate() throws(DriverError) {
        try tile.validate()
        if let batch, batch < 1 || batch > 1 << 15 {
            throw .invalidOption("--batch must be in 1…32768 (the largest ring holds 2^15 slots)")
        }
        if let insecureLogN, !(2...16).contains(insecureLogN) { throw .invalidOption("--insecure-test-logn must be in 2…16") }
        if let scaleBits, ![35, 40, 45, 50].contains(scaleBits) { throw .invalidOption("--scale-bits must be 35, 40, 45 or 50") }
        if let precision, !(precision.isFinite && precision > 0 && precision < 1) {
            throw .invalidOption("--precision must be an error bound between 0 and 1 (e.g. 1e-7) or bits (e.g. 24)")
        }
        if !diagonal, firstForm == .d { throw .invalidOption("--first-form D contradicts --no-diagonal") }
        if let inputRange, !(inputRange.lowerBound.isFinite && inputRange.upperBound.isFinite) {
            throw .invalidOption("--input-range must be finite")
        }
        try approximation?.validate()
        if maxMemoryMiB < 1 { throw .invalidOption("--max-memory-mib must be at least 1") }
        if let bootstrapLevels {
            guard (1...60).contains(bootstrapLevels) else { throw .invalidOption("--bootstrap-levels must be in 1…60") }
            guard bootstrap == .auto else { throw .invalidOption("--bootstrap-levels contradicts --bootstrap off") }
        }
        if objective != nil, !tile.isAuto { throw .invalidOption("--objective chooses among tile shapes: it needs --tile auto") }
        if let scheme {
            if tile.isAuto { throw .invalidOption("--scheme needs a fixed --tile (not auto): the passes prune for that tile shape") }
            try scheme.validate()
        }
    }
}
