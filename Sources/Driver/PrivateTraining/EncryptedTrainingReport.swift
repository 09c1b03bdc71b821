public import HepexcPrivateTraining
public import HepexcPlan
internal import Foundation

/// One epoch as the client sees it, plus what it cost.
public struct EncryptedTrainingEpoch: Sendable, Codable {
    public var epoch: Int
    public var learningRate: Double
    /// Client's view: exact-softmax loss and accuracy of the decrypted head.
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testAccuracy: Double
    /// Plaintext training (exact softmax, same hyperparameters) after this epoch.
    public var plaintextTestAccuracy: Double
    /// Largest |z_j − mean z| over the training set with the decrypted head.
    public var largestCentredLogit: Double
    /// Whether some training logit left the softmax domain [−U, U].
    public var outsideDomain: Bool
    /// max|W_enc − W_sim| / max|W_sim| (CKKS runs compared with the simulation).
    public var relativeDifferenceToSimulated: Double?
    public var steps: Int
    /// Seconds per phase: encrypt, forward, softmax, backward, update, refresh, decrypt.
    public var seconds: [String: Double]
    public var ops: OpCounts
    public var refreshes: Int
    /// Ciphertexts the server bootstrapped (`--refresh bootstrap`; no traffic).
    public var bootstraps = 0
    public var bytesToServer: Int
    public var bytesToClient: Int

    enum CodingKeys: String, CodingKey {
        case epoch, steps, seconds, ops, refreshes, bootstraps
        case learningRate = "learning_rate", trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case testAccuracy = "test_accuracy", plaintextTestAccuracy = "plaintext_test_accuracy"
        case largestCentredLogit = "largest_centred_logit", outsideDomain = "outside_domain"
        case relativeDifferenceToSimulated = "relative_difference_to_simulated"
        case bytesToServer = "bytes_to_server", bytesToClient = "bytes_to_client"
    }
}

/// The report of `hepexc train-encrypted` (text and `--json`).
public struct EncryptedTrainingReport: Sendable, Codable {
    public var backend: String
    public var parameters: String
    public var secure: Bool
    public var samples: Int
    public var testSamples: Int
    public var features: Int
    public var classes: Int
    /// HETAL unit shape s0 × s1, row blocks A, column blocks B, padded classes c.
    public var unitShape: [Int]
    public var rowBlocks: Int
    public var columnBlocks: Int
    public var paddedClasses: Int
    public var biasColumn: Int
    public var softmaxDomain: Double
    public var softmaxErrorBound: Double
    public var softmaxDepth: Int
    public var evaluationKeyBytes: Int
    /// Client → server once: the encrypted training set and initial weights.
    public var setupBytesToServer: Int
    public var setupSeconds: Double
    public var epochs: [EncryptedTrainingEpoch]
    public var testAccuracy: Double
    public var plaintextTestAccuracy: Double
    /// Test accuracy of the exported model, re-imported and interpreted.
    public var exportedTestAccuracy: Double?
    public var outputPath: String?
    public var totalSeconds: Double
    public var peakMemoryBytes: Int
    /// With `--keep`: the kept fraction and every selection round.
    public var keptFraction: Double?
    public var selectionRounds: [EncryptedSelectionRound]?
    /// `--refresh`: client, none or bootstrap.
    public var refresh = "client"
    /// With `--refresh bootstrap`: the bootstrap's settings, levels and bound.
    public var bootstrap: String?

    enum CodingKeys: String, CodingKey {
        case backend, parameters, secure, samples, features, classes, epochs
        case testSamples = "test_samples", unitShape = "unit_shape", rowBlocks = "row_blocks"
        case columnBlocks = "column_blocks", paddedClasses = "padded_classes", biasColumn = "bias_column"
        case softmaxDomain = "softmax_domain", softmaxErrorBound = "softmax_error_bound", softmaxDepth = "softmax_depth"
        case evaluationKeyBytes = "evaluation_key_bytes", setupBytesToServer = "setup_bytes_to_server"
        case setupSeconds = "setup_seconds", testAccuracy = "test_accuracy"
        case plaintextTestAccuracy = "plaintext_test_accuracy", exportedTestAccuracy = "exported_test_accuracy"
        case outputPath = "output_path", totalSeconds = "total_seconds", peakMemoryBytes = "peak_memory_bytes"
        case keptFraction = "kept_fraction", selectionRounds = "selection_rounds"
        case refresh, bootstrap
    }

    static func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    /// The human-readable report.
    public var text: String {
        var lines: [String] = []
        lines.append("backend: \(backend), \(parameters)\(secure ? " (128-bit secure)" : "")")
        lines.append("data: \(samples) train / \(testSamples) test, \(features) features, \(classes) classes; "
            + "unit \(unitShape[0])×\(unitShape[1]), A = \(rowBlocks), B = \(columnBlocks), c = \(paddedClasses), bias column \(biasColumn)")
        lines.append(String(format: "softmax: centred logits in [−%.3g, %.3g], error ≤ %.2e, depth %d", softmaxDomain, softmaxDomain,
                            softmaxErrorBound, softmaxDepth))
        let keys = evaluationKeyBytes > 0 ? Self.mib(evaluationKeyBytes) : "none (simulated)"
        lines.append("setup: keys \(keys), data + weights \(Self.mib(setupBytesToServer)) to server, "
            + String(format: "%.2f s", setupSeconds))
        if let bootstrap { lines.append("refresh: bootstrapping on the server, \(bootstrap)") }
        lines.append("epoch  lr      loss    train   test    plain   |u|max  fwd s   smax s  bwd s   upd s   refr s  refreshes  up MiB  down MiB  ct×ct  rot")
        for e in epochs {
            let s = e.seconds
            lines.append(String(format: "%5d  %.4f  %.4f  %.4f  %.4f  %.4f  %6.2f%@ %6.2f  %6.2f  %6.2f  %6.2f  %6.2f  %9d  %6.1f  %8.1f  %5d  %d",
                                e.epoch + 1, e.learningRate, e.trainLoss, e.trainAccuracy, e.testAccuracy, e.plaintextTestAccuracy,
                                e.largestCentredLogit, e.outsideDomain ? "!" : " ", s["forward"] ?? 0, s["softmax"] ?? 0,
                                s["backward"] ?? 0, s["update"] ?? 0, s["refresh"] ?? 0, e.refreshes,
                                Double(e.bytesToServer) / 1_048_576, Double(e.bytesToClient) / 1_048_576,
                                e.ops.cipherMultiplies, e.ops.rotations))
            if e.bootstraps > 0 {
                lines.append("       bootstraps (server, no traffic): \(e.bootstraps)")
            }
            if let difference = e.relativeDifferenceToSimulated {
                lines.append(String(format: "       weights vs simulated: %.2e relative", difference))
            }
        }
        if let rounds = selectionRounds, let keptFraction {
            lines.append(String(format: "data pruning: keep %.3g; selection rounds:", keptFraction))
            for r in rounds {
                lines.append(String(format: "  before epoch %d (%@): kept %d of %d; scoring %.2f s (%d ct×ct, %d rot), scores %@ up, mask %d B down, "
                                    + "client %.3f s; merge %.2f s (%d rot, %d ct×pt), ciphertexts %d → %d",
                                    r.epoch + 1, r.score, r.kept, r.candidates, r.scoringSeconds, r.scoringCounts.cipherMultiplies,
                                    r.scoringCounts.rotations, Self.mib(r.scoreBytes), r.maskBytes, r.maskingSeconds, r.mergeSeconds,
                                    r.mergeRotations, r.mergeMultiplies, r.ciphertextsBefore, r.ciphertextsAfter))
            }
        }
        if epochs.contains(where: \.outsideDomain) {
            lines.append(String(format: "warning: training logits left the softmax domain [−%.3g, %.3g] (marked !); lower the learning rate or widen --softmax-domain",
                                softmaxDomain, softmaxDomain))
        }
        lines.append(String(format: "test accuracy: %.2f %% encrypted-trained head, %.2f %% plaintext (exact softmax)",
                            testAccuracy * 100, plaintextTestAccuracy * 100))
        if let exported = exportedTestAccuracy, let path = outputPath {
            lines.append(String(format: "wrote %@ (re-imported: %.2f %% test accuracy)", path, exported * 100))
        }
        lines.append(String(format: "total %.1f s, peak memory %@", totalSeconds, Self.mib(peakMemoryBytes)))
        return lines.joined(separator: "\n")
    }
}

extension EncryptedTrainingReport: CommandOutcome {}
