public import HepexcCKKS
internal import HepexcRing

/// What the server needs from a client to evaluate a plan on its data: the
/// relinearization key (when the plan multiplies ciphertexts), the Galois
/// keys of exactly the plan's rotations, and, when the plan bootstraps with
/// sparse-secret encapsulation, the two encapsulation keys (switching keys:
/// public material). Never a secret key.
///
/// Each key reaches only the highest level the plan uses it at (level-trimmed,
/// docs/ckks.md); reading checks every key against the plan's levels.
///
/// File (`.evalkeys`, container kind "HXEK", see ``ArtifactContainer``) payload:
/// `flags` (bit 0: relinearization key present, bit 1: Galois keys present,
/// bit 2: encapsulation keys present — files without bit 2 read as before),
/// then each present key as a nested CKKS object (byte length, then its own
/// "HXRK"/"HXGK"/"HXEN" container with its checksum and parameter hash).
public struct EvaluationKeys: Sendable {
    public let relinearizationKey: RelinearizationKey?
    public let galoisKeys: GaloisKeys?
    /// Sparse-secret encapsulation keys, for plans whose bootstraps use them.
    public let encapsulationKeys: EncapsulationKeys?

    public init(relinearizationKey: RelinearizationKey?, galoisKeys: GaloisKeys?,
                encapsulationKeys: EncapsulationKeys? = nil) {
        self.relinearizationKey = relinearizationKey
        self.galoisKeys = galoisKeys
        self.encapsulationKeys = encapsulationKeys
    }

    /// The `.evalkeys` bytes, bound to `plan`.
    public func serialized(for plan: PreparedPlan) -> [UInt8] {
        var payload: [UInt64] = [(relinearizationKey == nil ? 0 : 1) | (galoisKeys == nil ? 0 : 2) | (encapsulationKeys == nil ? 0 : 4)]
        if let relinearizationKey { payload.appendObject(relinearizationKey.serialized(context: plan.context)) }
        if let galoisKeys { payload.appendObject(galoisKeys.serialized(context: plan.context)) }
        if let encapsulationKeys { payload.appendObject(encapsulationKeys.serialized(context: plan.context)) }
        return ArtifactContainer.encode(.evaluationKeys, binding: plan.binding, payload: payload)
    }

    /// Reads `.evalkeys` bytes and checks they hold every key `plan` needs.
    /// - Throws: `InferenceError` for a secret key, another kind of file, another
    ///   plan, damaged bytes or missing keys.
    public init(deserializing bytes: [UInt8], for plan: PreparedPlan) throws(InferenceError) {
        var reader = ArtifactReader(words: try ArtifactContainer.decode(bytes, expecting: .evaluationKeys, binding: plan.binding))
        let flags = try reader.int("flags", in: 0...7)
        do {
            relinearizationKey = flags & 1 == 0 ? nil
                : try RelinearizationKey(deserializing: try reader.object("relinearization key"), context: plan.context)
            galoisKeys = flags & 2 == 0 ? nil
                : try GaloisKeys(deserializing: try reader.object("Galois keys"), context: plan.context)
            encapsulationKeys = flags & 4 == 0 ? nil
                : try EncapsulationKeys(deserializing: try reader.object("encapsulation keys"), context: plan.context)
        } catch { throw InferenceError.wrapping(error) }
        try reader.finish()
        if let weight = plan.plan.encapsulationWeight {
            guard let keys = encapsulationKeys else {
                throw .mismatch("the evaluation keys have no sparse-secret encapsulation keys, which this plan's bootstraps "
                    + "need (weight-\(weight) ephemeral secret): run `hepexc keygen` again with this plan")
            }
            guard keys.hammingWeight == weight else {
                throw .mismatch("the encapsulation keys are for an ephemeral secret of weight \(keys.hammingWeight); "
                    + "this plan's bootstraps use \(weight)")
            }
        }
        if plan.plan.needsRelinearization, relinearizationKey == nil {
            throw .mismatch("the evaluation keys have no relinearization key, which this plan needs")
        }
        let missing = plan.galoisElements.subtracting(galoisKeys?.galoisElements ?? [])
        if let element = missing.min() {
            throw .mismatch("the evaluation keys lack the Galois key for element \(element) (\(missing.count) of the plan's "
                            + "\(plan.galoisElements.count) rotations missing)")
        }
        try checkLevels(for: plan)
    }

    /// Every key reaches the highest level the plan uses it at (level-trimmed keys,
    /// ``Plan/keySwitchLevels``): a key that is too short is refused here, in one line,
    /// rather than by the evaluator halfway through a request.
    func checkLevels(for plan: PreparedPlan) throws(InferenceError) {
        let needed = plan.galoisKeyLevels
        for (element, level) in needed.sorted(by: { $0.key < $1.key }) {
            if let key = galoisKeys?.keys[element], key.level < level {
                throw .mismatch("the Galois key for element \(element) reaches level \(key.level) but the plan rotates with it "
                                + "at level \(level): run `hepexc keygen` again with this plan")
            }
        }
        if let level = plan.plan.keySwitchLevels.relinearization, let key = relinearizationKey?.key, key.level < level {
            throw .mismatch("the relinearization key reaches level \(key.level) but the plan multiplies ciphertexts at level "
                            + "\(level): run `hepexc keygen` again with this plan")
        }
    }

    /// Bytes of key material held.
    public var byteCount: Int {
        (relinearizationKey?.key.byteCount ?? 0) + (galoisKeys?.keys.values.reduce(0) { $0 + $1.byteCount } ?? 0)
            + (encapsulationKeys?.byteCount ?? 0)
    }
}
