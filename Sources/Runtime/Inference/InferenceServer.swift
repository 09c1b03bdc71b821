internal import Foundation
internal import HepexcCKKS
internal import HepexcExecutor
public import HepexcPlan

/// The server side of one plan: its weights encoded once (at construction),
/// then any number of evaluations, each with the evaluation keys of the
/// client whose ciphertexts it evaluates. Safe to call from several threads.
public final class InferenceServer: Sendable {
    public let prepared: PreparedPlan
    let executor: PlanExecutor<KeyedBackend>
    /// Seconds spent encoding the weights at construction.
    public let encodeSeconds: Double
    /// The bootstrap transforms, encoded once and shared by every evaluation
    /// (`InferenceServer+Bootstrap.swift`).
    let bootstrapTransforms = BootstrapTransformsCache()

    /// - Parameters: `threads` worker threads per evaluation (independent tiles);
    ///   `weightCacheBytes` at most this many bytes of encoded weights kept
    ///   (the rest encoded during each evaluation, see ``PlanExecutor``).
    /// - Throws: `InferenceError` for parameters the runtime rejects or a plan that does not fit them.
    public init(plan: Plan, threads: Int = 1, weightCacheBytes: Int? = nil) throws(InferenceError) {
        let prepared = try PreparedPlan(plan, threads: threads)
        self.prepared = prepared
        let start = Date()
        do {
            executor = try PlanExecutor(plan: plan, backend: KeyedBackend(context: prepared.context), threads: threads,
                                        weightCacheBytes: weightCacheBytes)
        } catch { throw InferenceError.wrapping(error) }
        encodeSeconds = Date().timeIntervalSince(start)
    }

    /// Reads a client's `.evalkeys` bytes for this plan (refusing a secret key).
    public func evaluationKeys(_ bytes: [UInt8]) throws(InferenceError) -> EvaluationKeys {
        try EvaluationKeys(deserializing: bytes, for: prepared)
    }

    /// Reads a client's `.hect` input bytes for this plan.
    public func inputs(_ bytes: [UInt8]) throws(InferenceError) -> CiphertextBatch {
        try CiphertextBatch(deserializing: bytes, for: prepared, stage: .input)
    }

    /// Evaluates the plan on every batch of `inputs` with `keys`.
    /// - Parameters: `progress(done, total)` after each batch tile.
    /// - Throws: `InferenceError` for inputs that are not fresh ciphertexts of this plan, or a runtime failure.
    public func evaluate(_ inputs: CiphertextBatch, keys: EvaluationKeys,
                         progress: (Int, Int) -> Void = { _, _ in }) throws(InferenceError) -> CiphertextBatch {
        guard inputs.stage == .input else { throw .mismatch("expected encrypted inputs, found results") }
        let evaluator: Evaluator
        do {
            evaluator = try Evaluator(context: prepared.context, relinearizationKey: keys.relinearizationKey,
                                      galoisKeys: keys.galoisKeys)
        } catch { throw InferenceError.wrapping(error) }
        // Fresh inputs sit at the plan's input level: the top of the chain, or
        // with bootstraps the level a bootstrap lands on.
        let maxLevel = prepared.plan.inputLevel
        let bootstrapper = try self.bootstrapper(evaluator: evaluator, keys: keys)
        var results: [[BatchTile]] = []
        results.reserveCapacity(inputs.batches.count)
        for (index, batch) in inputs.batches.enumerated() {
            let ciphertexts = try batch.map { tile throws(InferenceError) -> KeyedBackend.Ciphertext in
                guard case .cipher(let ciphertext) = tile, ciphertext.size == 2, ciphertext.level == maxLevel else {
                    throw .mismatch("input tile of batch \(index) is not a fresh ciphertext at level \(maxLevel)")
                }
                return KeyedBackend.Ciphertext(value: ciphertext, evaluator: evaluator, bootstrapper: bootstrapper)
            }
            let outputs: [PlanExecutor<KeyedBackend>.Tile]
            do { outputs = try executor.run(ciphertexts) } catch { throw InferenceError.wrapping(error) }
            results.append(outputs.map { tile in
                switch tile {
                case .cipher(let ciphertext): return .cipher(ciphertext.value)
                case .plain(let slots): return .plain(slots)
                }
            })
            progress(index + 1, inputs.batches.count)
        }
        return CiphertextBatch(stage: .output, sampleCount: inputs.sampleCount, batches: results)
    }
}
