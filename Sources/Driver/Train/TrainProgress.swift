internal import Foundation
internal import HepexcTraining

/// Renders training progress: a redrawn bar on a terminal (standard error),
/// one line per epoch otherwise.
struct TrainProgress {
    let interactive: Bool
    let quiet: Bool
    let totalEpochs: Int
    private var lastDraw = 0.0

    init(totalEpochs: Int, quiet: Bool) {
        self.totalEpochs = totalEpochs
        self.quiet = quiet
        interactive = isatty(STDERR_FILENO) != 0
    }

    mutating func handle(_ event: TrainingEvent) {
        switch event {
        case let .batch(epoch, batch, batches, loss, accuracy, elapsed):
            guard interactive, batch == batches || elapsed - lastDraw >= 0.1 else { return }
            lastDraw = batch == batches ? 0 : elapsed
            let fraction = Double(batch) / Double(batches)
            let bar = ProgressBar.bar(fraction: fraction)
            // Remaining time of this epoch plus the later epochs at this epoch's pace.
            let epochEstimate = fraction > 0 ? elapsed / fraction : 0
            let eta = epochEstimate - elapsed + Double(totalEpochs - epoch) * epochEstimate
            var line = String(format: "epoch %d/%d %@ %d/%d loss %.4f", epoch, totalEpochs, bar, batch, batches, loss)
            if let accuracy { line += String(format: " acc %.4f", accuracy) }
            line += String(format: " ETA %.1fs", eta)
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        case .epoch(let report):
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            let line = TrainProgress.describe(report, of: totalEpochs)
            if interactive {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            } else if !quiet {
                print(line)
            }
        }
    }

    /// `epoch 3/5: loss 0.1234, accuracy 0.9650, validation loss …, 2.1 s`.
    static func describe(_ report: EpochReport, of total: Int) -> String {
        var line = String(format: "epoch %d/%d: loss %.4f", report.epoch, total, report.loss)
        if let accuracy = report.accuracy { line += String(format: ", accuracy %.4f", accuracy) }
        if let loss = report.validationLoss { line += String(format: ", validation loss %.4f", loss) }
        if let accuracy = report.validationAccuracy { line += String(format: ", validation accuracy %.4f", accuracy) }
        line += String(format: ", lr %g, %.2f s", report.learningRate, report.seconds)
        return line
    }
}
