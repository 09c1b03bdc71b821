public import HepexcCKKS

/// One tile of a batch: a ciphertext, or (only in results) a slot vector the
/// plan knows in the clear (a tile row with no surviving weights: bias only,
/// model data, nothing of the client's).
public enum BatchTile: Sendable {
    case cipher(Ciphertext)
    case plain([Double])
}

/// The ciphertexts of a data set for one plan: `batches[b]` holds batch
/// tile b (samples b·t3 ..< (b+1)·t3) as the plan's input tiles
/// (``Stage/input``) or its output tiles (``Stage/output``).
///
/// File (`.hect`, container kind "HXCB", see ``ArtifactContainer``) payload:
/// `stage` (0 input, 1 output), `sampleCount`, `samplesPerBatch` (t3),
/// `batchCount`, then per batch its tile count and per tile a tag
/// (0: a nested CKKS ciphertext object, byte length then its "HXCT" container;
/// 1: a cleartext tile, slot count then the slots as Double bit patterns).
public struct CiphertextBatch: Sendable {
    public enum Stage: UInt64, Sendable {
        /// Encrypted by the client, for the server to evaluate.
        case input = 0
        /// Evaluated by the server, for the client to decrypt.
        case output = 1

        var name: String { self == .input ? "encrypted inputs (from `hepexc encrypt`)" : "results (from `hepexc evaluate`)" }
    }

    public let stage: Stage
    public let sampleCount: Int
    public let batches: [[BatchTile]]

    public init(stage: Stage, sampleCount: Int, batches: [[BatchTile]]) {
        self.stage = stage
        self.sampleCount = sampleCount
        self.batches = batches
    }

    /// The `.hect` bytes, bound to `plan`.
    public func serialized(for plan: PreparedPlan) -> [UInt8] {
        var payload: [UInt64] = [stage.rawValue, UInt64(sampleCount), UInt64(plan.plan.tile.t3), UInt64(batches.count)]
        for batch in batches {
            payload.append(UInt64(batch.count))
            for tile in batch {
                switch tile {
                case .cipher(let ciphertext):
                    payload.append(0)
                    payload.appendObject(ciphertext.serialized(context: plan.context))
                case .plain(let slots):
                    payload.append(1)
                    payload.append(UInt64(slots.count))
                    payload += slots.map(\.bitPattern)
                }
            }
        }
        return ArtifactContainer.encode(.ciphertextBatch, binding: plan.binding, payload: payload)
    }

    /// Reads `.hect` bytes made for `plan` at `stage`.
    /// - Throws: `InferenceError` for another kind of file, another plan, the
    ///   other stage, damaged bytes, or a layout that does not fit the plan.
    public init(deserializing bytes: [UInt8], for plan: PreparedPlan, stage: Stage) throws(InferenceError) {
        var reader = ArtifactReader(words: try ArtifactContainer.decode(bytes, expecting: .ciphertextBatch, binding: plan.binding))
        let storedStage = try reader.next("stage")
        guard let found = Stage(rawValue: storedStage) else { throw .corrupted("stage \(storedStage)") }
        guard found == stage else { throw .mismatch("expected \(stage.name), found \(found.name)") }
        let t3 = plan.plan.tile.t3
        let samples = try reader.int("sample count", in: 1...(1 << 40))
        _ = try reader.int("samples per batch", in: t3...t3)
        let batchCount = (samples + t3 - 1) / t3
        _ = try reader.int("batch count", in: batchCount...batchCount)
        let slots = plan.context.parameters.slotCount
        let maxTiles = stage == .input ? plan.plan.firstInputTileCount : max(1, reader.words.count)
        var batches: [[BatchTile]] = []
        batches.reserveCapacity(batchCount)
        for b in 0..<batchCount {
            let count = stage == .input ? try reader.int("tile count of batch \(b)", in: maxTiles...maxTiles)
                : try reader.int("tile count of batch \(b)", in: 1...maxTiles)
            var tiles: [BatchTile] = []
            for t in 0..<count {
                switch try reader.int("tag of tile \(t) in batch \(b)", in: 0...(stage == .input ? 0 : 1)) {
                case 0:
                    let object = try reader.object("ciphertext \(t) of batch \(b)")
                    do { tiles.append(.cipher(try Ciphertext(deserializing: object, context: plan.context))) } catch {
                        throw InferenceError.wrapping(error)
                    }
                default:
                    _ = try reader.int("slot count", in: slots...slots)
                    let values = try reader.words(slots, "cleartext tile").map { Double(bitPattern: $0) }
                    guard values.allSatisfy(\.isFinite) else { throw .corrupted("a cleartext tile holds a non-finite value") }
                    tiles.append(.plain(values))
                }
            }
            batches.append(tiles)
        }
        try reader.finish()
        self.init(stage: stage, sampleCount: samples, batches: batches)
    }

    /// Ciphertexts held.
    public var ciphertextCount: Int {
        batches.reduce(0) { $0 + $1.filter { if case .cipher = $0 { return true } else { return false } }.count }
    }
}
