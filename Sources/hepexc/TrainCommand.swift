import ArgumentParser
import HepexcDriver

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train or fine-tune a model in Swift (masks kept fixed) and write the trained model.",
        discussion: """
        Cross-entropy for class labels, MSE for float targets (or reconstruction when the data has \
        no labels). Weights carrying a mask (`{mask = "w.mask"}`, docs/ir.md) keep their masked \
        entries at exactly 0. Batch norm trains in training mode and is folded (fold-bn) before \
        writing. Output: .hepir (all weights) or .onnx. See docs/training.md. With --json: model, \
        data, output, loss, optimizer, training_samples, validation_samples, trainable_parameters, \
        epochs, seconds, test_accuracy, test_samples, masked_weights, masked_nonzero, notes.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var jsonOutput: OutputOptions

    @OptionGroup var dataOptions: DataOptions
    @Option(name: .long, help: "A validation set, evaluated after every epoch.")
    var validation: String?
    @Option(name: .long, help: "Hold out this fraction of --data (seeded shuffle) for validation.")
    var validationSplit: Double = 0
    @Option(name: .long, help: "A test set: accuracy/MSE of the written model, by the reference interpreter.")
    var test: String?
    @Option(name: .long, help: "Input scaling: unit (uint8 / 255), none, or standard (also (x − mean)/std, baked into the model).")
    var normalize: TrainRequest.Normalization = .unit

    @Option(name: .shortAndLong, help: "Where to write the trained model (.hepir or .onnx).")
    var output: String
    @Option(name: .long, help: "Epochs.")
    var epochs: Int = 5
    @Option(name: .long, help: "Examples per mini-batch.")
    var batchSize: Int = 64
    @Option(name: .long, help: "sgd (with momentum) or adam.")
    var optimizer: TrainRequest.Optimizer = .adam
    @Option(name: .long, help: "Learning rate (default: 0.001 for adam, 0.01 for sgd).")
    var lr: Double?
    @Option(name: .long, help: "SGD momentum.")
    var momentum: Double = 0.9
    @Option(name: .long, help: "L2 weight decay on dense/conv weights.")
    var weightDecay: Double = 0
    @Option(name: .long, help: "Learning-rate schedule: constant, step or exponential.")
    var schedule: TrainRequest.Schedule = .constant
    @Option(name: .long, help: "Step schedule: epochs between decays.")
    var stepSize: Int = 1
    @Option(name: .long, help: "Decay factor of the step/exponential schedule.")
    var gamma: Double = 0.5
    @Option(name: .long, help: "Loss: cross-entropy or mse (default: from the data).")
    var loss: TrainRequest.LossName?
    @Option(name: .long, help: "Seed for initialisation, shuffling and the split.")
    var seed: UInt64 = 0
    @Flag(name: .long, help: "Re-initialise all weights (train from scratch); elided weights are then allowed.")
    var fromScratch = false
    @Option(name: .long, help: "Replace every ReLU by a trainable polynomial: poly2.")
    var replaceRelu: TrainRequest.ReLUReplacement?
    @Flag(name: .long, help: "Keep polynomial activation coefficients fixed.")
    var freezePoly = false
    @Option(name: .long, help: "Before training, mask (fix at 0) this fraction of the smallest weights of each dense/conv layer without a mask.")
    var maskSmallest: Double?
    @Flag(name: .long, help: "Keep batchnorm operations instead of folding them.")
    var noFoldBn = false
    @Option(name: .long, help: "BLAS threads (default: all cores).")
    var threads: Int?
    @Flag(name: .long, help: "No per-epoch lines when not on a terminal.")
    var quiet = false
    @Option(name: .long, help: "HEPrune data pruning: train each epoch on this fraction of the samples, in (0, 1].")
    var keep: Double?
    @Option(name: .long, help: "With --keep: epochs between selections (the first subset is random).")
    var selectEvery: Int = 3
    @Option(name: .long, help: "With --keep: the importance score: hefs, hefs-fast, l1 or random.")
    var score: TrainRequest.DataScoreName = .hefs
    @Option(name: .long, help: "With --keep: skip this top fraction of the ranking (likely label noise), in [0, 1).")
    var window: Double = 0

    var request: TrainRequest {
        var request = TrainRequest(model: modelOptions.request, data: dataOptions.request, output: output)
        request.validation = validation
        request.validationSplit = validationSplit
        request.test = test
        request.normalize = normalize
        request.epochs = epochs
        request.batchSize = batchSize
        request.optimizer = optimizer
        request.learningRate = lr
        request.momentum = momentum
        request.weightDecay = weightDecay
        request.schedule = schedule
        request.stepSize = stepSize
        request.gamma = gamma
        request.loss = loss
        request.seed = seed
        request.fromScratch = fromScratch
        request.replaceReLU = replaceRelu
        request.freezePolynomials = freezePoly
        request.maskSmallest = maskSmallest
        request.foldBatchNorm = !noFoldBn
        request.threads = threads
        request.quiet = quiet || jsonOutput.json
        if let keep {
            var pruning = TrainRequest.DataPruning(keep: keep)
            pruning.selectEvery = selectEvery
            pruning.score = score
            pruning.window = window
            request.dataPruning = pruning
        }
        return request
    }

    func validate() throws { try Console.validate { () throws(DriverError) in try request.validate() } }

    func run() throws {
        let request = request
        try Console.run(json: jsonOutput.json) { () throws(DriverError) in try Training.run(request) }
    }
}
