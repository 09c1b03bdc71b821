public import HepexcData

/// A data set on disk and how to read it (the options `eval` and `train` share).
public struct DataRequest: Sendable {
    public var path: String
    /// A separate labels file (.npy or idx).
    public var labels: String?
    /// Keys inside an .npz (default `x` and `y`).
    public var inputKey: String?
    public var labelKey: String?
    /// Use only the first `limit` samples.
    public var limit: Int?
    /// The images' layout, when it differs from the model's (`--layout`).
    public var layout: DataLayout?

    public init(path: String, labels: String? = nil, inputKey: String? = nil, labelKey: String? = nil, limit: Int? = nil) {
        self.path = path
        self.labels = labels
        self.inputKey = inputKey
        self.labelKey = labelKey
        self.limit = limit
    }

    /// The data set (with `labels`, the keys and `limit`).
    public func load(scale: DatasetLoader.Scaling = .unit) throws(DriverError) -> Dataset {
        var dataset: Dataset
        do {
            dataset = try DatasetLoader.load(path: path, inputKey: inputKey, labelKey: labelKey, labelsPath: labels, scale: scale)
        } catch { throw DriverError(error) }
        if let limit { dataset = dataset.prefix(limit) }
        return dataset
    }

    /// Another file with the same keys (a validation or test set).
    public func loadOther(_ path: String, scale: DatasetLoader.Scaling = .unit) throws(DriverError) -> Dataset {
        do { return try DatasetLoader.load(path: path, inputKey: inputKey, labelKey: labelKey, scale: scale) } catch { throw DriverError(error) }
    }
}
