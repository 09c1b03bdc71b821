import ArgumentParser
import HepexcDriver

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a model into a packed encrypted-execution plan (.hepx).",
        discussion: """
        The model's dense layers become tile-tensor layers (Type A / Type B alternating, Type D for small \
        ones), its polynomial activations minimal-depth polynomial evaluations; CKKS parameters are chosen \
        from the depth and the tile shape at 128-bit security. --tile auto picks the tile shape with the \
        lowest estimated cost for --objective: latency (client encryption plus server execution of one batch \
        of --batch samples, default 1) or throughput (time per sample with full ciphertexts; the default \
        unless --batch is given). With --json, prints the plan report (see docs/cli.md).
        """
    )

    @Argument(help: "The model (.onnx, Keras, .hepir).")
    var model: String

    @Option(name: .long, help: "Tile shape t1xt2 (powers of two), or 'auto'.")
    var tile: TileChoice = .fixed(t1: 16, t2: 16)

    @Option(name: .long, help: "Minimum samples per ciphertext (raises N if needed); with --objective latency, the batch to answer.")
    var batch: Int?

    @Option(name: .long, help: "What --tile auto minimises: latency or throughput (default: latency with --batch, else throughput).")
    var objective: CompileObjective?

    @Option(name: .long, help: ArgumentHelp("Extra passes to run before lowering.", valueName: "pipeline"))
    var passes: String?

    @Option(name: .customLong("insecure-test-logn"), help: "INSECURE: force this log2 ring degree below the security bound (tests only).")
    var insecureLogN: Int?

    @Option(name: .long, help: "With --tile auto, skip tile shapes whose estimated server memory exceeds this many MiB.")
    var maxMemoryMib: Int = 4096

    @Option(name: .long, help: "A `hepexc bench ckks --json` report whose per-op costs drive the estimates and --tile auto.")
    var costs: String?

    @Option(name: .long, help: ArgumentHelp("Form of the first dense layer: A, B or D (diagonal; layers of at most t2 outputs). Default: the compiler's rule, or every choice with --tile auto.", valueName: "form"))
    var firstForm: FirstLayerForm?

    @Flag(name: .long, help: "Use only the alternating Type A / Type B forms (no diagonal Type-D layers).")
    var noDiagonal = false

    @Option(name: .long, help: "CKKS scale bits: 40 (precise) or 35 (smaller keys and rings, errors up to ~1e-4…1e-3), 45 or 50 (more digits, larger rings); default 40 where it fits the ring.")
    var scaleBits: Int?

    @Option(name: .long, help: "Largest output error wanted, e.g. 1e-6, 1e-7, 1e-8 (or bits of precision, e.g. 24): the cheapest scale whose expected error meets it; refuses if none does at 128-bit security.")
    var precision: PrecisionTarget?

    @Option(name: .shortAndLong, help: "Where to write the plan.")
    var output: String?

    @Option(name: .long, help: ArgumentHelp("The range of every input feature the plan accepts, e.g. 0,1 or -3,3 (default: the calibration data's, else -1,1). The client refuses inputs outside it.", valueName: "lo,hi"))
    var inputRange: InputRange?

    @Option(name: .long, help: ArgumentHelp("Data whose values tighten the value bounds the plan is sized for (default with --scheme: its --data).", valueName: "data.npz"))
    var calibration: String?

    @Option(name: .long, help: "Convolution packing: toeplitz (tiles of the Toeplitz matrix), packed (batch in the slots, one feature per ciphertext, no rotations), or auto (packed when the model has a convolution, --batch or --tile auto is given and the cost model says it is cheaper).")
    var conv: ConvPacking = .auto
    @Option(name: .long, help: "Bootstrapping: auto (place bootstraps when the model is deeper than a 128-bit chain holds, at N = 2^16) or off (such a model is an error).")
    var bootstrap: BootstrapMode = .auto

    @Option(name: .long, help: ArgumentHelp("Levels left after each bootstrap; a deeper model then always bootstraps (default: chosen with the placement).", valueName: "n"))
    var bootstrapLevels: Int?

    @OptionGroup var schemeOptions: SchemeOptions

    @OptionGroup var outputOptions: OutputOptions

    var request: CompileRequest {
        var request = CompileRequest(model: model, tile: tile, batch: batch, passes: passes, insecureLogN: insecureLogN,
                       maxMemoryMiB: maxMemoryMib, costs: costs, firstForm: firstForm, diagonal: !noDiagonal,
                       scaleBits: scaleBits, objective: objective, output: output, scheme: schemeOptions.request,
                       quiet: outputOptions.json, inputRange: inputRange?.range, calibration: calibration,
                       approximation: schemeOptions.approximation, precision: precision?.maxError)
        request.conv = conv
        request.bootstrap = bootstrap
        request.bootstrapLevels = bootstrapLevels
        return request
    }

    func validate() throws {
        try schemeOptions.validate()
        try Console.validate { () throws(DriverError) in try request.validate() }
    }

    func run() throws {
        let request = request
        let progress: (String) -> Void = request.quiet ? { _ in } : { Console.progress($0) }
        try Console.run(json: outputOptions.json) { () throws(DriverError) in
            try Compilation.run(request, progress: progress)
        }
    }
}

/// `--input-range lo,hi`.
struct InputRange: ExpressibleByArgument {
    var range: ClosedRange<Double>

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low <= high else { return nil }
        range = low...high
    }
}

/// `hepexc compile`'s HE-PEx options: a pruning scheme with retraining run
/// before lowering (docs/hepex.md, "Schemes").
struct SchemeOptions: ParsableArguments {
    @Option(name: .long, help: "HE-PEx scheme before lowering: p2, p2t, p3, p3e, p4 or p4e (needs --data).",
            transform: { text in
                guard let scheme = PruningScheme(rawValue: text.lowercased()) else {
                    throw ValidationError("--scheme '\(text)' is not one of p2, p2t, p3, p3e, p4, p4e")
                }
                return scheme
            })
    var scheme: PruningScheme?
    @Option(name: .long, help: "Training data for the scheme's retraining (.npz, .npy or idx); a validation split is held out.")
    var data: String?
    @Option(name: .long, help: "Fraction of weights (p2t: tiles) to prune; with --max-accuracy-drop, the first ratio tried.")
    var pruneRatio: Double = 0.8
    @Option(name: .long, help: "Retraining epochs.")
    var epochs: Int = 2
    @Option(name: .long, help: "Fraction of --data held out (seeded shuffle) to measure accuracy or MSE.")
    var validationSplit: Double = 0.2
    @Option(name: .long, help: ArgumentHelp("A separate validation set instead of --validation-split (all of --data retrains).",
                                            valueName: "path"))
    var validation: String?
    @Option(name: .long, help: ArgumentHelp("A test set the scheme never sees: report the unpruned and the final model's metric on it.",
                                            valueName: "path"))
    var test: String?
    @Option(name: .long, help: "Search the ratio for the highest tile sparsity within this many accuracy points (MSE: percent) of the unpruned model.")
    var maxAccuracyDrop: Double?
    @Option(name: .long, help: "Ratios tried by the --max-accuracy-drop bisection.")
    var searchSteps: Int = 5
    @Option(name: .long, help: "prune-pack's threshold (p4, p4e): prune tiles with a smaller non-zero fraction.")
    var packThreshold: Double = 0.0625
    @Option(name: .long, help: "Gradual pruning: run the scheme and its retraining this many times, the last at --prune-ratio.")
    var rounds: Int = 1
    @Option(name: .long, help: "Retraining learning rate (Adam; default 0.001).")
    var learningRate: Double?
    @Option(name: .long, help: "local: prune every layer by the ratio; global: rank all layers' weights (p2t: tiles) together.")
    var pruneScope: PruneScope = .local
    @Option(name: .long, help: "Prune the output layer by at most this fraction (weights; p2t: tiles) instead of --prune-ratio.")
    var outputRatio: Double?
    @Option(name: .long, help: "Multiply the retraining learning rate by this after every epoch (default: constant).")
    var learningRateDecay: Double?
    @Flag(name: .long, help: "p4, p4e: permute for the fewest non-zero tiles only, not for --pack-threshold.")
    var plainPermute = false
    @Option(name: .long, help: "Seed of the split and of the retraining's shuffling.")
    var seed: UInt64 = 0
    @Option(name: .long, help: ArgumentHelp("Write the pruned, retrained model as textual IR.", valueName: "out.hepir"))
    var saveIr: String?
    @Option(name: .long, help: ArgumentHelp("Make the model HE-friendly first: non-polynomial activations become least-squares polynomials fitted on their input range in --data (e.g. relu=poly2,sigmoid=poly3,gelu=poly4), maxpool=avgpool replaces max pooling; see docs/approximation.md.", valueName: "name=polyN,…"))
    var approximate: String?
    @Flag(name: .long, help: "With --approximate: fine-tune the approximated model on --data for --epochs epochs.")
    var retrain = false

    func validate() throws {
        if retrain, approximate == nil { throw ValidationError("--retrain fine-tunes an approximated model: it needs --approximate") }
        if retrain, data == nil { throw ValidationError("--retrain needs --data (the fine-tuning set)") }
        guard let scheme else {
            if approximate == nil, data != nil || validation != nil || test != nil {
                throw ValidationError("--data, --validation and --test need --scheme or --approximate")
            }
            if maxAccuracyDrop != nil || (saveIr != nil && approximate == nil) {
                throw ValidationError("--max-accuracy-drop and --save-ir need --scheme (--save-ir: or --approximate)")
            }
            return
        }
        if data == nil { throw ValidationError("--scheme \(scheme.rawValue) needs --data (the retraining set)") }
    }

    var approximation: ApproximationRequest? {
        guard let approximate else { return nil }
        var request = ApproximationRequest(spec: approximate, data: data, test: test, retrain: retrain, epochs: epochs)
        request.learningRate = learningRate
        request.seed = seed
        if scheme == nil { request.saveIR = saveIr }
        return request
    }

    var request: SchemeRequest? {
        guard let scheme, let data else { return nil }
        var request = SchemeRequest(scheme: scheme, data: data)
        request.pruneRatio = pruneRatio
        request.epochs = epochs
        request.validationSplit = validationSplit
        request.validation = validation
        request.test = test
        request.maxAccuracyDrop = maxAccuracyDrop
        request.searchSteps = searchSteps
        request.packThreshold = packThreshold
        request.rounds = rounds
        request.learningRate = learningRate
        request.scope = pruneScope
        request.outputRatio = outputRatio
        request.learningRateDecay = learningRateDecay
        request.plainPermute = plainPermute
        request.seed = seed
        request.saveIR = saveIr
        return request
    }
}
