internal import Foundation
public import HepexcPasses

/// What a HE-PEx scheme run (``PruningRunner``) did: per step the validation
/// metric before and after it and the tile statistics after it; per layer the
/// weight sparsity, the tile sparsity before and after permutation and the
/// tiles removed. The metric is accuracy for classification data (class
/// labels) and MSE otherwise.
public struct PruningReport: Sendable, Codable, Equatable {
    /// One step of the scheme (a pass, or `retrain`).
    public struct Step: Sendable, Codable, Equatable {
        public var name: String
        /// The pass in pipeline form; `nil` for `retrain`.
        public var pipeline: String?
        public var metricBefore: Double
        public var metricAfter: Double
        public var seconds: Double
        /// Weight and tile sparsity of every layer after the step.
        public var statistics: TileStatistics

        enum CodingKeys: String, CodingKey {
            case name, pipeline, seconds, statistics
            case metricBefore = "metric_before"
            case metricAfter = "metric_after"
        }
    }

    /// One prunable layer at the end of the run.
    /// Layers whose every weight tile was removed: their output is a
    /// constant, so the model no longer depends on its input.
    public var emptiedLayers: [String] { layers.filter { $0.tiles > 0 && $0.tileSparsity >= 1 }.map(\.name) }

    public struct Layer: Sendable, Codable, Equatable {
        public var name: String
        public var form: String
        public var rows: Int
        public var columns: Int
        public var tiles: Int
        public var weightSparsity: Double
        /// Tile sparsity right before `permute` (schemes that permute only).
        public var tileSparsityBeforePermutation: Double?
        /// Tile sparsity right after `permute`.
        public var tileSparsityAfterPermutation: Double?
        /// Tile sparsity of the final model.
        public var tileSparsity: Double
        /// All-zero tiles of the final model minus those of the input model.
        public var tilesRemoved: Int

        enum CodingKeys: String, CodingKey {
            case name, form, rows, columns, tiles
            case weightSparsity = "weight_sparsity"
            case tileSparsityBeforePermutation = "tile_sparsity_before_permutation"
            case tileSparsityAfterPermutation = "tile_sparsity_after_permutation"
            case tileSparsity = "tile_sparsity"
            case tilesRemoved = "tiles_removed"
        }
    }

    /// One ratio tried by ``PruningRunner/search(_:training:validation:options:maxDrop:probes:)``.
    public struct Probe: Sendable, Codable, Equatable {
        public var ratio: Double
        public var metric: Double
        public var tileSparsity: Double
        /// Whether the metric is within the budget.
        public var accepted: Bool

        enum CodingKeys: String, CodingKey {
            case ratio, metric, accepted
            case tileSparsity = "tile_sparsity"
        }
    }

    public var model: String
    public var scheme: String
    public var ratio: Double
    public var tile: [Int]
    /// `accuracy` (class labels) or `mse`.
    public var metric: String
    public var trainingSamples: Int
    public var validationSamples: Int
    /// Retraining epochs per round.
    public var epochs: Int
    /// Gradual pruning rounds (``PruningRunner/Options/rounds``), when more than one.
    public var rounds: Int?
    /// The metric of the unpruned input model on the validation set.
    public var baseline: Double
    /// The metric of the final (pruned, retrained) model.
    public var final: Double
    public var steps: [Step]
    public var layers: [Layer]
    /// Tile and weight sparsity of the whole final model.
    public var tileSparsity: Double
    public var weightSparsity: Double
    public var tilesRemoved: Int
    /// The ratio search, when one ran (``maxDrop`` set).
    public var search: [Probe]?
    /// The budget of the search: accuracy percentage points (or MSE percent).
    public var maxDrop: Double?
    /// The separate test set's evaluation, when one was given
    /// (``PruningRunner/test(_:pruned:on:threads:)``).
    public var test: TestResult?

    /// The unpruned and the final model's metric on a separate test set
    /// (the scheme never sees it: it retrains and validates on other data).
    public struct TestResult: Sendable, Codable, Equatable {
        public var samples: Int
        /// The unpruned input model's metric.
        public var baseline: Double
        /// The pruned, retrained model's metric.
        public var final: Double

        public init(samples: Int, baseline: Double, final: Double) {
            self.samples = samples
            self.baseline = baseline
            self.final = final
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, scheme, ratio, tile, metric, epochs, rounds, baseline, final, steps, layers, search, test
        case trainingSamples = "training_samples"
        case validationSamples = "validation_samples"
        case tileSparsity = "tile_sparsity"
        case weightSparsity = "weight_sparsity"
        case tilesRemoved = "tiles_removed"
        case maxDrop = "max_drop"
    }

    /// The loss of quality from `baseline` to `value`: accuracy percentage
    /// points, or the MSE's relative increase in percent.
    public static func drop(from baseline: Double, to value: Double, metric: String) -> Double {
        metric == "accuracy" ? (baseline - value) * 100 : (baseline > 0 ? (value / baseline - 1) * 100 : 0)
    }

    /// A human-readable rendering.
    public var text: String {
        func number(_ value: Double) -> String {
            metric == "accuracy" ? String(format: "%.4f", value) : String(format: "%.6g", value)
        }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        var lines = ["scheme \(scheme.uppercased()) on \(model): ratio \(String(format: "%.3g", ratio)), tile \(tile.map(String.init).joined(separator: "x")), "
                     + "\(epochs) retraining epoch(s)" + (rounds.map { " in each of \($0) rounds" } ?? "") + " on \(trainingSamples) samples, \(metric) on \(validationSamples) validation samples"]
        let unit = metric == "accuracy" ? " points" : "%"
        lines.append("\(metric): unpruned \(number(baseline)), final \(number(final))"
                     + String(format: " (drop %.2f", Self.drop(from: baseline, to: final, metric: metric)) + unit + ")")
        if let test {
            lines.append("\(metric) on \(test.samples) test samples: unpruned \(number(test.baseline)), final \(number(test.final))"
                         + String(format: " (drop %.2f", Self.drop(from: test.baseline, to: test.final, metric: metric)) + unit + ")")
        }
        lines.append(String(format: "tile sparsity %.1f%% (%d tiles removed), weight sparsity %.1f%%",
                            tileSparsity * 100, tilesRemoved, weightSparsity * 100))
        lines.append("")
        lines.append("step        \(metric.padding(toLength: 21, withPad: " ", startingAt: 0)) weight sp.  tile sp.  time")
        for step in steps {
            let change = "\(number(step.metricBefore)) → \(number(step.metricAfter))"
            lines.append(step.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + change.padding(toLength: 22, withPad: " ", startingAt: 0)
                         + percent(step.statistics.weightSparsity).padding(toLength: 12, withPad: " ", startingAt: 0)
                         + percent(step.statistics.tileSparsity).padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(format: "%.2f s", step.seconds))
        }
        lines.append("")
        let width = max(12, (layers.map(\.name.count).max() ?? 0) + 2)
        lines.append("layer".padding(toLength: width, withPad: " ", startingAt: 0)
                     + "form  shape       tiles  weight sp.  tile sp. (before perm. → after perm. → final)  removed")
        for layer in layers {
            let shape = "\(layer.rows)x\(layer.columns)"
            let tiles = "\(percent(layer.tileSparsityBeforePermutation)) → \(percent(layer.tileSparsityAfterPermutation)) → \(percent(layer.tileSparsity))"
            lines.append(layer.name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + layer.form.padding(toLength: 6, withPad: " ", startingAt: 0)
                         + shape.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + "\(layer.tiles)".padding(toLength: 7, withPad: " ", startingAt: 0)
                         + percent(layer.weightSparsity).padding(toLength: 12, withPad: " ", startingAt: 0)
                         + tiles.padding(toLength: 48, withPad: " ", startingAt: 0)
                         + "\(layer.tilesRemoved)")
        }
        if let search, let maxDrop {
            lines.append("")
            lines.append(String(format: "ratio search (budget %.2f", maxDrop) + unit + "):")
            for probe in search {
                lines.append(String(format: "  ratio %.4f: ", probe.ratio) + "\(metric) \(number(probe.metric)), "
                             + String(format: "tile sparsity %.1f%%", probe.tileSparsity * 100)
                             + (probe.accepted ? "" : " (over budget)"))
            }
        }
        return lines.joined(separator: "\n")
    }
}
