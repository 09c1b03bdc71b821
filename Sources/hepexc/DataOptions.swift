import ArgumentParser
import HepexcData

/// The data-set options `eval` and `train` share.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The data set (.npz, .npy or idx[.gz]).")
    var data: String

    @Option(name: .long, help: "A separate labels file for --data (.npy or idx).")
    var labels: String?

    @Option(name: .long, help: "Key of the inputs inside an .npz (default: x).")
    var inputKey: String?

    @Option(name: .long, help: "Key of the labels inside an .npz (default: y).")
    var labelKey: String?

    @Option(name: .long, help: "Use only the first N samples.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    /// `--data` (with `--labels`, the keys and `--limit`).
    func load(scale: DatasetLoader.Scaling = .unit) throws -> Dataset {
        var dataset = try DatasetLoader.load(path: data, inputKey: inputKey, labelKey: labelKey, labelsPath: labels, scale: scale)
        if let limit { dataset = dataset.prefix(limit) }
        return dataset
    }

    /// Another file with the same keys (a validation or test set).
    func loadOther(_ path: String, scale: DatasetLoader.Scaling = .unit) throws -> Dataset {
        try DatasetLoader.load(path: path, inputKey: inputKey, labelKey: labelKey, scale: scale)
    }
}
