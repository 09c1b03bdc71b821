public import HepexcPlan
internal import HepexcCKKS
internal import HepexcExecutor
internal import HepexcPasses

/// What `hepexc compile` and `hepexc inspect model.hepx` report about a plan.
public struct PlanReport: Sendable, Codable, Equatable {
    /// One layer's statistics: the plan's own cost analysis.
    public typealias Layer = Plan.LayerCost

    public var model: String
    /// `[t1, t2, t3]`.
    public var tile: [Int]
    public var logN: Int
    public var logQ: [Int]
    public var logP: [Int]
    public var depth: Int
    public var insecure: Bool
    public var batchPerCiphertext: Int
    public var inputFeatures: Int
    public var outputFeatures: Int
    public var rotationSteps: [Int]
    /// Estimated size of the Galois (rotation) keys plus the relinearization key, bytes.
    public var evaluationKeyBytes: Int
    /// Operation counts for one batch ciphertext.
    public var ops: OpCounts
    public var layers: [Layer]
    public var clientTail: [String]
    /// The value bounds the plan was compiled for (absent in older plans).
    public var bounds: ValueBounds?
    /// Estimated latency of one batch ciphertext from op counts × per-op costs, seconds.
    public var estimatedSeconds: Double
    /// Input ciphertexts the client encrypts per batch ciphertext.
    public var inputCiphertexts: Int
    /// Estimated client encryption time of one batch ciphertext's inputs, seconds.
    public var estimatedEncryptSeconds: Double
    /// Estimated server memory: weight plaintexts + keys, bytes.
    public var estimatedMemoryBytes: Int
    /// The expected largest |decrypted − exact| output error (``Plan/expectedMaxError``).
    public var expectedMaxError: Double
    /// The scale's bits.
    public var logScale: Int
    /// Where the plan bootstraps (absent without bootstrap steps).
    public var bootstraps: BootstrapSummary?

    enum CodingKeys: String, CodingKey {
        case model, tile, depth, insecure, ops, layers
        case logN = "log_n", logQ = "log_q", logP = "log_p"
        case batchPerCiphertext = "batch_per_ciphertext"
        case inputFeatures = "input_features", outputFeatures = "output_features"
        case rotationSteps = "rotation_steps"
        case evaluationKeyBytes = "evaluation_key_bytes"
        case clientTail = "client_tail"
        case bounds
        case estimatedSeconds = "estimated_seconds"
        case estimatedMemoryBytes = "estimated_memory_bytes"
        case inputCiphertexts = "input_ciphertexts"
        case estimatedEncryptSeconds = "estimated_encrypt_seconds"
        case expectedMaxError = "expected_max_error"
        case logScale = "log_scale"
        case bootstraps
    }

    public init(_ plan: Plan, costModel: CostModel = .default) {
        self.init(plan, costModel: costModel, insecure: !plan.meetsSecurityStandard,
                  parameters: try? CKKSParameters(plan.parameters.literal), expectedMaxError: plan.expectedMaxError)
    }

    /// The report of `plan` with the runtime's facts about its parameters
    /// given (``ParameterMemo`` computes them once for many candidates;
    /// `nil`: the runtime rejects them) and the error estimate given (a
    /// skeleton has no weights to estimate it from).
    init(_ plan: Plan, costModel: CostModel, insecure: Bool, parameters: CKKSParameters?, expectedMaxError: Double) {
        let digits = parameters?.digitCount ?? plan.parameters.logQ.count
        let costs = plan.layerCosts()
        model = plan.model
        tile = [plan.tile.t1, plan.tile.t2, plan.tile.t3]
        logN = plan.parameters.logN
        logQ = plan.parameters.logQ
        logP = plan.parameters.logP
        depth = plan.depth
        // Derived from the actual ring and primes, not from the plan's flag.
        self.insecure = insecure
        batchPerCiphertext = plan.tile.t3
        inputFeatures = plan.inputFeatures
        outputFeatures = plan.outputFeatures
        rotationSteps = plan.rotationSteps
        clientTail = plan.clientTail
        bounds = plan.bounds
        layers = costs
        ops = costs.reduce(OpCounts()) { $0 + $1.ops }
        let n = 1 << plan.parameters.logN
        let limbs = plan.parameters.logQ.count + plan.parameters.logP.count
        // A key-switching key: two polynomials over Q·P per digit; the runtime
        // groups the ciphertext primes into as few digits as P covers.
        let keyBytes = digits * 2 * limbs * n * 8
        // Sparse-secret encapsulation adds one key-switching key (sparse to
        // dense) and the dense-to-sparse pair over q₀·p₀ (2 × 2 limbs).
        let encapsulationBytes = plan.encapsulationWeight == nil ? 0 : keyBytes + 4 * n * 8
        if let parameters {
            // Each key trimmed to the highest level the plan uses it at (docs/ckks.md).
            let levels = Array(plan.galoisElementLevels(degree: n).values) + [plan.keySwitchLevels.relinearization].compactMap { $0 }
            evaluationKeyBytes = levels.reduce(0) { $0 + KeySwitchKey.byteCount(atLevel: $1, parameters: parameters) }
                + encapsulationBytes
        } else {
            evaluationKeyBytes = keyBytes * (plan.rotationSteps.count + 1) + encapsulationBytes
        }
        // A packed layer's weights are scalars; its memory is its input and
        // output ciphertexts (one per feature).
        let plaintextBytes = costs.reduce(0) {
            $0 + ($1.kind == "packed" ? 0 : $1.tilesStored * (plan.parameters.logQ.count - (plan.parameters.maxLevel - $1.inputLevel)) * n * 8)
        }
        let packedCiphertexts = plan.isPacked
            ? plan.firstInputTileCount + costs.reduce(0) { max($0, $1.outputCiphertexts) } : 0
        estimatedMemoryBytes = evaluationKeyBytes + plaintextBytes + packedCiphertexts * 2 * plan.parameters.logQ.count * n * 8
        // Each layer's operations at the limbs its input has: work shrinks
        // as levels are consumed.
        estimatedSeconds = costs.reduce(0) { total, cost in
            // A bootstrap works on the whole chain.
            total + costModel.seconds(cost.ops, logN: plan.parameters.logN,
                                      limbs: cost.kind == "bootstrap" ? plan.parameters.logQ.count : cost.inputLevel + 1)
        }
        bootstraps = BootstrapSummary(plan)
        inputCiphertexts = plan.firstInputTileCount
        self.expectedMaxError = expectedMaxError
        logScale = plan.parameters.logScale
        estimatedEncryptSeconds = costModel.encryptionSeconds(ciphertexts: inputCiphertexts, logN: plan.parameters.logN,
                                                              limbs: plan.parameters.logQ.count)
    }

    public var text: String {
        var lines: [String] = []
        lines.append("plan \(model): tile \(tile.map(String.init).joined(separator: "x")) (\(batchPerCiphertext) samples per ciphertext), "
                     + "N = 2^\(logN), log Q = \(logQ.reduce(0, +)) (\(logQ.count) primes) + log P = \(logP.reduce(0, +)), depth \(depth)"
                     + (insecure ? "  [INSECURE test parameters]" : ", 128-bit secure"))
        lines.append("input \(inputFeatures) features → output \(outputFeatures)" + (clientTail.isEmpty ? "" : "; client tail: \(clientTail.joined(separator: ", "))"))
        if let bounds {
            lines.append(String(format: "values: inputs in %g…%g (the client refuses others), outputs within ±%.3g, largest intermediate %.3g (%@ bounds)",
                                bounds.inputLower, bounds.inputUpper, bounds.outputMaximum, bounds.layerMaxima.max() ?? 0, bounds.source))
        }
        lines.append(String(format: "precision: scale 2^%d, expected max |encrypted − exact| output error %.2g", logScale, expectedMaxError))
        lines.append("rotation keys: \(rotationSteps.count) steps \(rotationSteps), evaluation keys ≈ \(Self.mebibytes(evaluationKeyBytes))")
        if let bootstraps { lines.append(bootstraps.text) }
        lines.append("")
        let nameWidth = max(6, (layers.map(\.name.count).max() ?? 0) + 1)
        lines.append("layer".padded(nameWidth) + "  kind    level     grid  tiles stored/total  sparsity  out-ct  ct×pt  mask  ct×ct    add  rot  rescale")
        for layer in layers {
            let tiles = layer.tilesTotal == 0 ? "-" : "\(layer.tilesStored)/\(layer.tilesTotal)"
            let columns: [String] = [
                ("%" + layer.name).padded(nameWidth), layer.kind.padded(6), String(layer.inputLevel).leftPadded(5),
                (layer.grid.isEmpty ? "-" : layer.grid.map(String.init).joined(separator: "×")).leftPadded(7),
                tiles.leftPadded(18), String(format: "%7.1f%%", layer.tileSparsity * 100),
                String(layer.outputCiphertexts).leftPadded(6), String(layer.ops.plainMultiplies).leftPadded(5),
                String(layer.ops.maskMultiplies).leftPadded(4), String(layer.ops.cipherMultiplies).leftPadded(5),
                String(layer.ops.additions + layer.ops.plainAdditions).leftPadded(5),
                String(layer.ops.rotations).leftPadded(4), String(layer.ops.rescales).leftPadded(7),
            ]
            lines.append(columns.joined(separator: "  "))
        }
        lines.append("")
        lines.append("per batch ciphertext: \(ops)")
        lines.append(String(format: "estimated: %.1f ms per batch of %d on the server, ", estimatedSeconds * 1000, batchPerCiphertext)
                     + "memory ≈ " + Self.mebibytes(estimatedMemoryBytes)
                     + String(format: "; client encryption of %d input ciphertext%@ ≈ %.1f ms", inputCiphertexts,
                              inputCiphertexts == 1 ? "" : "s", estimatedEncryptSeconds * 1000))
        return lines.joined(separator: "\n")
    }

    static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}
extension PlanReport: CommandOutcome {}
