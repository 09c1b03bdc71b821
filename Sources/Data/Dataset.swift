public import HepexcIR

/// A labelled (or unlabelled) set of examples loaded from disk.
///
/// `inputs` has the examples along axis 0 (`[N, …]`). Class labels and
/// regression targets are mutually exclusive: a data set has `labels`, or
/// `targets`, or neither.
public struct Dataset: Sendable, Equatable, CustomStringConvertible {
    /// Where a data set came from and how it was interpreted.
    public struct Source: Sendable, Equatable, CustomStringConvertible {
        /// The inputs file as passed to the loader.
        public var path: String
        /// The format of the inputs file (after removing any gzip layer).
        public var format: DataFormat
        /// Whether the inputs file was gzip-compressed.
        public var isCompressed: Bool
        /// The `.npz` key the inputs came from, `nil` for single-array files.
        public var inputKey: String?
        /// The file the labels came from, when not `path` itself.
        public var labelsPath: String?
        /// The `.npz` key the labels came from, if any.
        public var labelKey: String?
        /// Whether uint8 inputs were divided by 255.
        public var scaledToUnitRange: Bool

        /// Creates a source description.
        public init(path: String, format: DataFormat, isCompressed: Bool = false, inputKey: String? = nil,
                    labelsPath: String? = nil, labelKey: String? = nil, scaledToUnitRange: Bool = false) {
            self.path = path
            self.format = format
            self.isCompressed = isCompressed
            self.inputKey = inputKey
            self.labelsPath = labelsPath
            self.labelKey = labelKey
            self.scaledToUnitRange = scaledToUnitRange
        }

        /// E.g. `t10k-images-idx3-ubyte.gz (idx, gzip) + labels t10k-labels-idx1-ubyte.gz`.
        public var description: String {
            var text = path + (inputKey.map { "[\($0)]" } ?? "")
            text += " (\(format)\(isCompressed ? ", gzip" : "")\(scaledToUnitRange ? ", scaled /255" : ""))"
            if let labelsPath {
                text += " + labels " + labelsPath + (labelKey.map { "[\($0)]" } ?? "")
            } else if let labelKey {
                text += " + labels [\(labelKey)]"
            }
            return text
        }
    }

    /// The examples, `[N, …]`.
    public var inputs: Tensor
    /// Class indices (each ≥ 0), one per example, when the labels are classes.
    public var labels: [Int]?
    /// Regression targets `[N, …]`, when the labels are not class indices.
    public var targets: Tensor?
    /// Provenance.
    public var source: Source

    /// Creates a data set.
    ///
    /// - Parameters:
    ///   - inputs: Examples along axis 0; rank ≥ 1.
    ///   - labels: Optional class indices, one per example.
    ///   - targets: Optional regression targets with the same leading dimension.
    ///   - source: Provenance.
    /// - Precondition: `inputs` has rank ≥ 1, `labels` and `targets` match its
    ///   leading dimension, and at most one of them is given.
    public init(inputs: Tensor, labels: [Int]? = nil, targets: Tensor? = nil, source: Source) {
        precondition(inputs.rank >= 1, "inputs must be [N, …], got \(inputs.shape)")
        precondition(labels == nil || labels?.count == inputs.shape[0], "one label per example")
        precondition(targets == nil || targets?.shape.first == inputs.shape[0], "one target per example")
        precondition(labels == nil || targets == nil, "labels and targets are exclusive")
        self.inputs = inputs
        self.labels = labels
        self.targets = targets
        self.source = source
    }

    /// The number of examples, N.
    public var count: Int { inputs.shape[0] }

    /// The shape of one example (`inputs.shape` without N).
    public var exampleShape: [Int] { Array(inputs.shape.dropFirst()) }

    /// One more than the largest class label, or `nil` without labels.
    public var classCount: Int? {
        guard let labels else { return nil }
        return (labels.max() ?? -1) + 1
    }

    /// E.g. `10000 examples of [1, 28, 28] f32, 10 classes, from …`.
    public var description: String {
        var text = "\(count) examples of \(exampleShape) \(inputs.elementType.rawValue)"
        if let classCount {
            text += ", \(classCount) classes"
        } else if let targets {
            text += ", regression targets \(targets.shape)"
        } else {
            text += ", unlabelled"
        }
        return text + ", from " + source.description
    }
}
