import HepexcData
import HepexcIR

/// A data set converted for training: inputs as flat `Float` rows shaped
/// like the model's input, with class labels or flat targets.
struct TrainingData {
    var inputs: [Float]
    var itemShape: [Int]
    var labels: [Int]?
    var targets: [Float]?
    var targetItemCount: Int
    var count: Int

    var itemCount: Int { itemShape.reduce(1, *) }

    /// Checks `dataset` against the network's input and output and the loss.
    /// - Throws: ``TrainingError`` — `emptyData`, `shapeMismatch`,
    ///   `labelOutOfRange`, `dataMismatch`.
    init(_ dataset: Dataset, for network: Network, outputType: TensorType, loss: Loss, role: String) throws(TrainingError) {
        count = dataset.count
        guard count > 0 else { throw .emptyData("the \(role) set has no examples") }
        let expected = network.input.type
        let perItem = expected.dimensions.dropFirst()
        let shape = perItem.compactMap { $0 }
        guard shape.count == perItem.count else {
            throw .unsupportedGraph("the model input \(expected) has unknown dimensions besides the batch")
        }
        let expectedText = "[" + shape.map(String.init).joined(separator: ", ") + "]"
        if dataset.exampleShape != shape && dataset.exampleShape.reduce(1, *) != shape.reduce(1, *) {
            throw .shapeMismatch(expected: expectedText, found: dataset.exampleShape)
        }
        // Same count but a different order of several non-1 axes (NHWC images
        // for an NCHW model) would be reshaped into garbage: refused.
        let found = dataset.exampleShape
        if found != shape, found.count > 1, shape.count > 1, found.filter({ $0 != 1 }) != shape.filter({ $0 != 1 }) {
            throw .shapeMismatch(expected: expectedText + " (reshaping would reorder the values; transpose NHWC/NCHW images first)", found: found)
        }
        itemShape = shape
        inputs = dataset.inputs.scalars.map { Float($0) }
        let outputItems = outputType.elementsPerItem ?? 0
        targetItemCount = outputItems
        switch loss {
        case .crossEntropy:
            guard let labels = dataset.labels else {
                throw .dataMismatch("cross-entropy needs class labels but the \(role) set has none (\(dataset.targets == nil ? "no y" : "y holds float targets")); use --loss mse")
            }
            guard outputItems > 1 else {
                throw .dataMismatch("cross-entropy needs a model output with one value per class, got \(outputType)")
            }
            for (index, label) in labels.enumerated() where label >= outputItems {
                throw .labelOutOfRange(index: index, label: label, classes: outputItems)
            }
            self.labels = labels
        case .meanSquaredError:
            let source = dataset.targets ?? (dataset.labels == nil ? dataset.inputs : nil)
            guard let source else {
                throw .dataMismatch("MSE needs float targets (or none, for reconstruction); the \(role) set has class labels — use --loss cross-entropy")
            }
            let items = source.count / count
            guard items == outputItems else {
                throw .dataMismatch("the \(role) targets have \(items) values per example but the model output \(outputType) has \(outputItems)")
            }
            targets = source.scalars.map { Float($0) }
        }
    }

    /// The examples at `indices` as one batch.
    func batch(_ indices: ArraySlice<Int>) -> (input: TrainingTensor, labels: [Int]?, targets: [Float]?) {
        let n = itemCount
        var values = [Float](repeating: 0, count: indices.count * n)
        var row = 0
        for index in indices {
            values.replaceSubrange((row * n)..<((row + 1) * n), with: inputs[(index * n)..<((index + 1) * n)])
            row += 1
        }
        let batchTargets = targets.map { all in
            indices.flatMap { all[($0 * targetItemCount)..<(($0 + 1) * targetItemCount)] }
        }
        return (TrainingTensor(shape: [indices.count] + itemShape, values: values),
                labels.map { all in indices.map { all[$0] } }, batchTargets)
    }
}
