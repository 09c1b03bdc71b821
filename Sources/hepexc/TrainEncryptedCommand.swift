import ArgumentParser
import HepexcDriver

/// `hepexc train-encrypted`: private training of a softmax head on
/// CKKS-encrypted features (HETAL's setting; docs/private-training.md).
struct TrainEncryptedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-encrypted",
        abstract: "Train a softmax classifier head on encrypted features (client and server in one process).",
        discussion: """
        The client runs the frozen backbone (optional) in plaintext, normalises the features \
        (rows of norm ≤ 1), and encrypts features, one-hot labels and zero weights; the server \
        trains a dense head with bias by mini-batch SGD with Nesterov momentum, all on ciphertexts \
        (DiagABT logits, a polynomial softmax, DiagATB gradient); ciphertexts that run out of levels \
        are refreshed by the client (or, with --refresh bootstrap, bootstrapped by the server). The report shows per epoch the client's view of loss and \
        accuracy, seconds per phase, HE operation counts, refreshes and bytes each way, next to \
        plaintext training with the exact softmax. CKKS parameters are chosen at 128-bit security. \
        See docs/private-training.md and docs/cli.md.
        """
    )

    @Option(name: .long, help: "Training data (.npz with x and y, or .npy/idx with labels).")
    var data: String
    @Option(name: .long, help: "Test data, same format.")
    var test: String
    @Option(name: .long, help: "A frozen backbone model (.onnx, Keras .h5, .hepir) the client runs in plaintext.")
    var backbone: String?
    @Option(name: .long, help: ArgumentHelp("The backbone value used as features (default: its output).", valueName: "%name"))
    var features: String?
    @Option(name: .long, help: "Epochs.")
    var epochs: Int = 7
    @Option(name: .long, help: "Samples per training step.")
    var batch: Int = 128
    @Option(name: .long, help: "Learning rate (peak of the schedule).")
    var learningRate: Double = 10
    @Option(name: .long, help: "Nesterov momentum.")
    var momentum: Double = 0.9
    @Option(name: .long, help: "Learning-rate schedule over all steps: constant, cosine or linear.")
    var schedule: EncryptedTrainingSchedule = .cosine
    @Option(name: .long, help: "ckks (real encryption) or simulated (same arithmetic on cleartext slots).")
    var backend: EncryptedTrainingBackend = .ckks
    @Option(name: .long, help: "Refresh of ciphertexts out of levels: client (decrypt and re-encrypt), bootstrap (CKKS bootstrapping on the server; N = 2^16 by default) or none.")
    var refresh: EncryptedTrainingRefresh = .client
    @Option(name: .long, help: "Client feature normalisation: centre (subtract the mean, then rows of norm ≤ 1), standard (also divide by the std), or none.")
    var normalize: FeatureNormalisation = .centre
    @Option(name: .long, help: "Number of classes (default: largest training label + 1).")
    var classes: Int?
    @Option(name: .long, help: "Softmax domain U: centred logits must stay in [−U, U].")
    var softmaxDomain: Double = 16
    @Option(name: .long, help: "k: the softmax's exp cubic sees logits / 2^k.")
    var softmaxSquarings: Int = 7
    @Option(name: .long, help: "m: the softmax runs at temperature 2^m, then is sharpened m times (p ← p²/Σp²).")
    var softmaxSharpenings: Int = 2
    @Option(name: .long, help: "log2 of the CKKS ring degree (13–16; parameters chosen at 128-bit security; default 14, 16 with --refresh bootstrap).")
    var logN: Int?
    @Flag(name: .long, help: "Permit rings below 128-bit security (--log-n 10–12; tests and demos only).")
    var allowInsecure = false
    @Option(name: .long, help: "Threads for CKKS limb arithmetic.")
    var threads: Int = 2
    @Flag(name: .long, help: "With --backend ckks, skip the simulated run that the weights are compared with every epoch.")
    var noCompare = false
    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false
    @Option(name: .shortAndLong, help: "Where to write backbone + normalisation + head as ONNX.")
    var output: String?
    @Option(name: .long, help: "HEPrune: train each epoch on this fraction of the encrypted samples, in (0, 1] (merged into dense ciphertexts).")
    var keep: Double?
    @Option(name: .long, help: "With --keep: epochs between selection rounds (the first subset is random).")
    var selectEvery: Int = 3
    @Option(name: .long, help: "With --keep: hefs (composite sign polynomial), hefs-fast (2 − 2⟨P, Y⟩), hefs-client (the client scores decrypted logits exactly; cheapest) or random.")
    var score: EncryptedPruningScoreName = .hefs
    @Option(name: .long, help: "With --keep: skip this top fraction of the ranking, in [0, 1).")
    var window: Double = 0
    @Flag(name: .long, help: "With --keep: rank all samples together (the paper's top-k) instead of keeping each class's share.")
    var noBalance = false
    @Option(name: .long, help: "With --keep: random subsets (the first round; every round of --score random) take whole ciphertexts (no merge) or single samples (merged).")
    var randomSubset: RandomSubsetUnitName = .ciphertexts

    var dataPruning: EncryptedDataPruningRequest? {
        guard let keep else { return nil }
        var pruning = EncryptedDataPruningRequest(keep: keep)
        pruning.selectEvery = selectEvery
        pruning.score = score
        pruning.window = window
        pruning.balanced = !noBalance
        pruning.randomUnit = randomSubset
        return pruning
    }

    func validate() throws {
        // Without --keep the schedule options are unused but still checked, as before.
        var check = dataPruning ?? EncryptedDataPruningRequest(keep: 1)
        (check.selectEvery, check.window) = (selectEvery, window)
        try Console.validate { () throws(DriverError) in try check.validate() }
    }

    func run() throws {
        var request = EncryptedTrainingRequest(dataPath: data, testPath: test)
        request.backbonePath = backbone
        request.featureValue = features
        request.epochs = epochs
        request.batchSize = batch
        request.learningRate = learningRate
        request.momentum = momentum
        request.schedule = schedule
        request.backend = backend
        request.refresh = refresh
        request.normalisation = normalize
        request.classCount = classes
        request.softmaxDomain = softmaxDomain
        request.softmaxSquarings = softmaxSquarings
        request.softmaxSharpenings = softmaxSharpenings
        request.logN = logN ?? EncryptedTrainingRequest.defaultLogN(refresh: refresh)
        request.allowInsecure = allowInsecure
        request.threads = threads
        request.compareWithSimulated = !noCompare
        request.outputPath = output
        request.dataPruning = dataPruning
        let progress = json ? nil : EncryptedTrainingConsole.progressBarIfTerminal()
        try Console.run(json: json) { () throws(DriverError) in
            try EncryptedTrainingRunner.execute(request, progress: progress)
        }
    }
}
