internal import Foundation
public import HepexcTraining

/// What `hepexc train` reports (text or `--json`).
public struct TrainReport: CommandOutcome {
    public var model: String
    public var data: String
    public var output: String
    public var summary: TrainingSummary
    public var maskedWeights: Int
    public var maskedNonZero: Int
    public var notes: [String]
    public var testSamples: Int?
    public var testAccuracy: Double?
    /// Test accuracy of the model as loaded (after masking), before training.
    public var testAccuracyBefore: Double?
    public var testMSE: Double?

    enum CodingKeys: String, CodingKey {
        case model, data, output, notes, loss, optimizer, epochs, seconds
        case trainingSamples = "training_samples", validationSamples = "validation_samples"
        case trainableParameters = "trainable_parameters"
        case maskedWeights = "masked_weights", maskedNonZero = "masked_nonzero"
        case testSamples = "test_samples", testAccuracy = "test_accuracy", testMSE = "test_mse"
        case testAccuracyBefore = "test_accuracy_before"
        case dataPruning = "data_pruning"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(data, forKey: .data)
        try c.encode(output, forKey: .output)
        try c.encode(notes, forKey: .notes)
        try c.encode(summary.loss, forKey: .loss)
        try c.encode(summary.optimizer, forKey: .optimizer)
        try c.encode(summary.epochs, forKey: .epochs)
        try c.encode(summary.seconds, forKey: .seconds)
        try c.encode(summary.trainingSamples, forKey: .trainingSamples)
        try c.encode(summary.validationSamples, forKey: .validationSamples)
        try c.encode(summary.trainableParameters, forKey: .trainableParameters)
        try c.encode(maskedWeights, forKey: .maskedWeights)
        try c.encode(maskedNonZero, forKey: .maskedNonZero)
        try c.encodeIfPresent(testSamples, forKey: .testSamples)
        try c.encodeIfPresent(testAccuracy, forKey: .testAccuracy)
        try c.encodeIfPresent(testMSE, forKey: .testMSE)
        try c.encodeIfPresent(testAccuracyBefore, forKey: .testAccuracyBefore)
        try c.encodeIfPresent(summary.dataPruning, forKey: .dataPruning)
    }

    public var text: String {
        var lines = ["trained \(model) on \(data): \(summary.trainingSamples) examples"
            + (summary.validationSamples > 0 ? " (+\(summary.validationSamples) validation)" : "")
            + ", \(summary.epochs.count) epochs, \(summary.optimizer), loss \(summary.loss), \(summary.trainableParameters) trainable parameters"]
        if let last = summary.epochs.last { lines.append("final " + TrainProgress.describe(last, of: summary.epochs.count)) }
        lines.append(String(format: "time: %.2f s (%.2f s/epoch)", summary.seconds, summary.seconds / Double(max(summary.epochs.count, 1))))
        if let pruning = summary.dataPruning {
            lines.append(String(format: "data pruning: kept %.3g of the samples, %d selection round(s), %d of %d sample-epochs processed (%.2fx fewer), scoring and selection %.2f s",
                                pruning.keptFraction, pruning.rounds.count, pruning.samplesProcessed, pruning.fullDataSamples,
                                Double(pruning.fullDataSamples) / Double(max(pruning.samplesProcessed, 1)), pruning.selectionSeconds))
        }
        if maskedWeights > 0 { lines.append("masked weights: \(maskedWeights), non-zero among them: \(maskedNonZero)") }
        if let testAccuracyBefore { lines.append(String(format: "test accuracy before training: %.4f", testAccuracyBefore)) }
        if let testAccuracy, let testSamples { lines.append(String(format: "test accuracy: %.4f (%d samples)", testAccuracy, testSamples)) }
        if let testMSE { lines.append(String(format: "test mse: %.6g", testMSE)) }
        lines.append("wrote \(output)")
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
