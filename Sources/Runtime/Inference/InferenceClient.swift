internal import HepexcCKKS
internal import HepexcExecutor
public import HepexcPlan

/// The client side of one plan: holds the secret key, encrypts its data in
/// the plan's input layout and decrypts the server's results. The secret key
/// never leaves it except through ``secretKeyBytes()`` (for the client's own
/// `.secret` file).
public struct InferenceClient: Sendable {
    public let prepared: PreparedPlan
    let secretKey: SecretKey
    let layout: TileLayout
    let encoder: CKKSEncoder

    /// A fresh secret key for `plan` and the evaluation keys the server needs
    /// (relinearization if the plan multiplies ciphertexts, Galois keys of
    /// exactly its rotations, encapsulation keys if its bootstraps use
    /// sparse-secret encapsulation). Randomness: the system CSPRNG.
    public static func generateKeys(for plan: Plan, threads: Int = 1) throws(InferenceError) -> (InferenceClient, EvaluationKeys) {
        let prepared = try PreparedPlan(plan, threads: threads)
        var generator = KeyGenerator(context: prepared.context)
        // Each key only up to the highest level the plan uses it at (`Plan.keySwitchLevels`);
        // bootstrapping also needs the conjugation key.
        let relinearizationKey = generator.relinearizationKey(for: plan)
        let galoisKeys = generator.galoisKeys(for: plan)
        // Sparse-secret encapsulation: the switching keys of a fresh ephemeral
        // secret (the ephemeral secret itself is discarded here).
        let encapsulationKeys: EncapsulationKeys?
        do { encapsulationKeys = try plan.encapsulationWeight.map { try generator.encapsulationKeys(hammingWeight: $0) } } catch {
            throw InferenceError.wrapping(error)
        }
        let client = InferenceClient(prepared: prepared, secretKey: generator.secretKey)
        return (client, EvaluationKeys(relinearizationKey: relinearizationKey, galoisKeys: galoisKeys,
                                       encapsulationKeys: encapsulationKeys))
    }

    /// The client of `plan` with the secret key in `secretKeyBytes` (a `.secret` file).
    /// - Throws: `InferenceError` for damaged bytes or a key made under other parameters.
    public init(plan: Plan, secretKeyBytes: [UInt8], threads: Int = 1) throws(InferenceError) {
        let prepared = try PreparedPlan(plan, threads: threads)
        let magic = secretKeyBytes.prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard secretKeyBytes.count < 4 || magic == ArtifactContainer.magic(SerializedKind.secretKey.rawValue) else {
            throw .wrongKind(expected: "a secret key (.secret from `hepexc keygen`)", found: ArtifactContainer.describe(magic: magic))
        }
        let key: SecretKey
        do { key = try SecretKey(deserializing: secretKeyBytes, context: prepared.context) } catch {
            throw InferenceError.wrapping(error)
        }
        self.init(prepared: prepared, secretKey: key)
    }

    init(prepared: PreparedPlan, secretKey: SecretKey) {
        self.prepared = prepared
        self.secretKey = secretKey
        self.layout = TileLayout(plan: prepared.plan)
        self.encoder = CKKSEncoder(context: prepared.context)
    }

    /// The secret key's file bytes ("HXSK"): keep them on the client, mode 0600.
    public func secretKeyBytes() -> [UInt8] { secretKey.serialized(context: prepared.context) }

    /// Encrypts `rows` (one feature vector per sample, in the data's order)
    /// with the secret key, t3 samples per batch tile. Every ciphertext is
    /// seeded (its `a` expanded from a fresh 256-bit seed drawn from the
    /// CSPRNG), so the `.hect` carries `c_0` and the seed: half the upload.
    /// - Throws: `InferenceError.mismatch` for rows of the wrong width.
    public func encrypt(_ rows: [[Double]]) throws(InferenceError) -> CiphertextBatch {
        let plan = prepared.plan
        guard !rows.isEmpty else { throw .mismatch("no samples to encrypt") }
        if let row = rows.firstIndex(where: { $0.count != plan.inputFeatures }) {
            throw .mismatch("sample \(row) has \(rows[row].count) features, the plan takes \(plan.inputFeatures)")
        }
        let parameters = prepared.context.parameters
        var batches: [[BatchTile]] = []
        var seeds: [[CiphertextSeed?]] = []
        do {
            var encryptor = try Encryptor(context: prepared.context, secretKey: secretKey)
            for start in stride(from: 0, to: rows.count, by: plan.tile.t3) {
                let samples = Array(rows[start..<min(rows.count, start + plan.tile.t3)])
                let encrypted = try layout.encodeInput(samples).map { slots in
                    try encryptor.encryptSeeded(slots, encoder: encoder, scale: parameters.defaultScale, level: plan.inputLevel)
                }
                batches.append(encrypted.map { .cipher($0.ciphertext) })
                seeds.append(encrypted.map(\.seed))
            }
        } catch { throw InferenceError.wrapping(error) }
        return CiphertextBatch(stage: .input, sampleCount: rows.count, batches: batches, seeds: seeds)
    }

    /// Decrypts the server's results into one output row per sample, in the
    /// order the samples were encrypted.
    public func decrypt(_ results: CiphertextBatch) throws(InferenceError) -> [[Double]] {
        guard results.stage == .output else { throw .mismatch("expected results, found encrypted inputs") }
        let decryptor: Decryptor
        do { decryptor = try Decryptor(context: prepared.context, secretKey: secretKey) } catch { throw InferenceError.wrapping(error) }
        var outputs: [[Double]] = []
        outputs.reserveCapacity(results.sampleCount)
        let t3 = prepared.plan.tile.t3
        for (index, batch) in results.batches.enumerated() {
            let slots = batch.map { tile -> [Double] in
                switch tile {
                case .cipher(let ciphertext): return encoder.decode(decryptor.decrypt(ciphertext))
                case .plain(let values): return values
                }
            }
            outputs += layout.decodeOutput(slots, samples: min(t3, results.sampleCount - index * t3))
        }
        return outputs
    }
}
