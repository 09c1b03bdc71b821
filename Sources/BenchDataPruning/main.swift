// hepexc-bench-data-pruning: the plaintext analogue of HEPrune's Table 3
// (docs/benchmarks.md, "Dynamic data pruning"). Trains the MNIST MLP
// 784-128-128-10 (ReLU) from scratch once on all data and once per kept
// fraction with dynamic data pruning, and prints one Markdown row each.
//
// Usage: hepexc-bench-data-pruning [--keep 1,0.1,0.2,0.4,0.5,0.6,0.7,0.8,0.9]
//          [--epochs 50] [--select-every 10] [--score hefs] [--window 0]
//          [--lr 0.1] [--momentum 0.9] [--weight-decay 5e-4] [--batch-size 128]
//          [--step-every 20] [--seed 0] [--threads 1]
//          [--data .cache/mnist/train-images-idx3-ubyte] [--test .cache/mnist/t10k-images-idx3-ubyte]
//          [--model scripts/bench_training/mlp_784_128_128_10.hepir] [--json FILE]
// A kept fraction of 1 means full data (no pruning options at all).
import Foundation
import HepexcData
import HepexcIR
import HepexcTraining

struct Arguments {
    var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--"), index + 1 < arguments.count else {
                throw BenchError("expected --name value pairs, got '\(name)'")
            }
            values[String(name.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    func string(_ name: String, _ fallback: String) -> String { values[name] ?? fallback }

    func number(_ name: String, _ fallback: Double) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text) else { throw BenchError("--\(name) needs a number, got '\(text)'") }
        return value
    }

    func integer(_ name: String, _ fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text) else { throw BenchError("--\(name) needs an integer, got '\(text)'") }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct Row: Codable {
    var keep: Double
    var finalAccuracy: Double
    var bestAccuracy: Double
    var trainingSeconds: Double
    var selectionSeconds: Double
    var samplesProcessed: Int
    var rounds: [DataSelectionRound]
}

/// Writes a line unbuffered, so progress shows when piped.
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func run() throws {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    let keeps = try arguments.string("keep", "1,0.1,0.2,0.4,0.5,0.6,0.7,0.8,0.9").split(separator: ",").map { text in
        guard let value = Double(text) else { throw BenchError("--keep needs comma-separated numbers, got '\(text)'") }
        return value
    }
    let epochs = try arguments.integer("epochs", 50)
    let selectEvery = try arguments.integer("select-every", 10)
    let score = arguments.string("score", "hefs")
    let window = try arguments.number("window", 0)
    let seed = UInt64(try arguments.integer("seed", 0))
    Trainer.setThreadCount(try arguments.integer("threads", 1))
    let modelPath = arguments.string("model", "scripts/bench_training/mlp_784_128_128_10.hepir")
    let graph = try Graph(parsing: String(contentsOfFile: modelPath, encoding: .utf8), file: modelPath)
    let train = try DatasetLoader.load(path: arguments.string("data", ".cache/mnist/train-images-idx3-ubyte"))
    let test = try DatasetLoader.load(path: arguments.string("test", ".cache/mnist/t10k-images-idx3-ubyte"))
    let stepEvery = try arguments.integer("step-every", 20)
    let base = TrainingOptions(epochs: epochs, batchSize: try arguments.integer("batch-size", 128), optimizer: .sgd,
                               learningRate: try arguments.number("lr", 0.1), momentum: try arguments.number("momentum", 0.9),
                               weightDecay: try arguments.number("weight-decay", 5e-4),
                               schedule: stepEvery > 0 ? .step(every: stepEvery, gamma: 0.1) : .constant, seed: seed)
    emit("MNIST MLP 784-128-128-10 from scratch: \(train.count) train / \(test.count) test, \(epochs) epochs, "
          + "SGD lr \(base.learningRate) momentum \(base.momentum) wd \(base.weightDecay), batch \(base.batchSize), "
          + "step ×0.1 every \(stepEvery), score \(score), select every \(selectEvery), window \(window), seed \(seed)")
    emit("| kept | test acc (final) | test acc (best epoch) | Δ best vs full | train s | scoring + selection s | total s | speed-up | samples processed |")
    emit("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    var rows: [Row] = []
    var full: Row?
    for keep in keeps {
        var options = base
        if keep < 1 { options.dataPruning = try DataPruningOptions(keep: keep, selectEvery: selectEvery, score: score, window: window) }
        let network = try Network(graph, options: .init(initialize: true, output: graph.logitsValue, seed: seed))
        let trainer = try Trainer(network: network, options: options)
        let summary = try trainer.train(on: train, validation: test)
        let accuracies = summary.epochs.map { $0.validationAccuracy ?? 0 }
        let row = Row(keep: keep, finalAccuracy: accuracies.last ?? 0, bestAccuracy: accuracies.max() ?? 0,
                      trainingSeconds: summary.seconds, selectionSeconds: summary.dataPruning?.selectionSeconds ?? 0,
                      samplesProcessed: summary.dataPruning?.samplesProcessed ?? epochs * summary.trainingSamples,
                      rounds: summary.dataPruning?.rounds ?? [])
        if keep >= 1 { full = row }
        rows.append(row)
        let total = row.trainingSeconds + row.selectionSeconds
        let fullTotal = full.map { $0.trainingSeconds + $0.selectionSeconds }
        let delta = full.map { String(format: "%+.2f", 100 * (row.bestAccuracy - $0.bestAccuracy)) } ?? "—"
        let speedup = fullTotal.map { String(format: "%.1f×", $0 / total) } ?? "—"
        emit(String(format: "| %@ | %.2f %% | %.2f %% | %@ | %.1f | %.2f | %.1f | %@ | %d |",
                     keep >= 1 ? "100 % (full)" : String(format: "%g %%", 100 * keep), 100 * row.finalAccuracy,
                     100 * row.bestAccuracy, delta, row.trainingSeconds, row.selectionSeconds, total, speedup,
                     row.samplesProcessed))
    }
    if let path = arguments.values["json"] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(rows).write(to: URL(fileURLWithPath: path))
    }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
