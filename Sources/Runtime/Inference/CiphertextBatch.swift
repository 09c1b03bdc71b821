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
/// 1: a cleartext tile, slot count then the slots as Double bit patterns;
/// 2, inputs only, since version 2: a seeded ciphertext, byte length then its
/// "HXSC" container — `c_0` and the 256-bit seed `a` is expanded from, half the
/// bytes of tag 0). Version 1 files (tags 0 and 1) still load.
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
    /// Per tile, the seed its ciphertext's `a` was expanded from (written as tag 2),
    /// or `nil` (written whole); empty when no tile is seeded.
    let seeds: [[CiphertextSeed?]]

    public init(stage: Stage, sampleCount: Int, batches: [[BatchTile]]) {
        self.init(stage: stage, sampleCount: sampleCount, batches: batches, seeds: [])
    }

    /// `seeds[b][t]` must be the seed tile t of batch b was encrypted with (fresh, size 2).
    init(stage: Stage, sampleCount: Int, batches: [[BatchTile]], seeds: [[CiphertextSeed?]]) {
        self.stage = stage
        self.sampleCount = sampleCount
        self.batches = batches
        self.seeds = seeds
    }

    /// Input tiles held as `c_0` and a seed (half the bytes on the wire).
    public var seededCount: Int { seeds.reduce(0) { $0 + $1.filter { $0 != nil }.count } }

    func seed(batch: Int, tile: Int) -> CiphertextSeed? {
        guard batch < seeds.count, tile < seeds[batch].count else { return nil }
        return seeds[batch][tile]
    }

    /// The `.hect` bytes, bound to `plan`.
    public func serialized(for plan: PreparedPlan) -> [UInt8] {
        var payload: [UInt64] = [stage.rawValue, UInt64(sampleCount), UInt64(plan.plan.tile.t3), UInt64(batches.count)]
        for (b, batch) in batches.enumerated() {
            payload.append(UInt64(batch.count))
            for (t, tile) in batch.enumerated() {
                switch tile {
                case .cipher(let ciphertext):
                    if ciphertext.size == 2, let seed = seed(batch: b, tile: t) {
                        payload.append(2)
                        payload.appendObject(ciphertext.serialized(seed: seed, context: plan.context))
                    } else {
                        payload.append(0)
                        payload.appendObject(ciphertext.serialized(context: plan.context))
                    }
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
        let (version, words) = try ArtifactContainer.decodeVersioned(bytes, expecting: .ciphertextBatch, binding: plan.binding)
        var reader = ArtifactReader(words: words)
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
        // Tags: 0 whole ciphertext, 1 cleartext (results), 2 seeded ciphertext (inputs, version 2).
        let tags: Set<Int> = stage == .output ? [0, 1] : version >= 2 ? [0, 2] : [0]
        var batches: [[BatchTile]] = []
        var seeds: [[CiphertextSeed?]] = []
        batches.reserveCapacity(batchCount)
        for b in 0..<batchCount {
            let count = stage == .input ? try reader.int("tile count of batch \(b)", in: maxTiles...maxTiles)
                : try reader.int("tile count of batch \(b)", in: 1...maxTiles)
            var tiles: [BatchTile] = []
            var tileSeeds: [CiphertextSeed?] = []
            for t in 0..<count {
                let tag = try reader.int("tag of tile \(t) in batch \(b)", in: 0...2)
                guard tags.contains(tag) else {
                    throw .corrupted("tag \(tag) of tile \(t) in batch \(b) is not allowed in \(stage.name) of format version \(version)")
                }
                tileSeeds.append(nil)
                switch tag {
                case 2:
                    let object = try reader.object("seeded ciphertext \(t) of batch \(b)")
                    do {
                        let (ciphertext, seed) = try Ciphertext.deserializeSeeded(object, context: plan.context)
                        tiles.append(.cipher(ciphertext))
                        tileSeeds[t] = seed
                    } catch { throw InferenceError.wrapping(error) }
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
            seeds.append(tileSeeds)
        }
        try reader.finish()
        self.init(stage: stage, sampleCount: samples, batches: batches,
                  seeds: seeds.contains { $0.contains { $0 != nil } } ? seeds : [])
    }

    /// Ciphertexts held.
    public var ciphertextCount: Int {
        batches.reduce(0) { $0 + $1.filter { if case .cipher = $0 { return true } else { return false } }.count }
    }
}
