import HepexcRing

extension Ciphertext {
    /// Serializes a fresh secret-key ciphertext whose `c_1` is `seed.expand(…)` (what
    /// ``Encryptor/encryptSeeded(_:encoder:scale:level:)`` returns) as `c_0` and the
    /// seed: container kind "HXSC", payload level, scale, the four seed words, then
    /// `c_0`'s residues — half the bytes of ``serialized(context:)``. `c_1` is not
    /// written: pass only the seed this ciphertext was encrypted with.
    public func serialized(seed: CiphertextSeed, context: CKKSContext) -> [UInt8] {
        var payload: [UInt64] = [UInt64(level), scale.bitPattern] + seed.words
        payload += polys[0].data
        return Container.encode(.seededCiphertext, parameterHash: context.hash, payload: payload)
    }

    /// Reads an "HXSC" seeded ciphertext and expands its `a` from the seed.
    /// - Returns: the whole (size 2) ciphertext and its seed.
    /// - Throws: `HEError` on corruption (a truncated seed or `c_0`, an unreduced residue),
    ///   another kind of file or other parameters.
    public static func deserializeSeeded(_ bytes: [UInt8], context: CKKSContext) throws -> (ciphertext: Ciphertext, seed: CiphertextSeed) {
        var r = PayloadReader(words: try Container.decode(bytes, expecting: .seededCiphertext, parameterHash: context.hash))
        let level = try r.int("level", in: 0...context.parameters.maxLevel)
        let scale = Double(bitPattern: try r.next("scale"))
        guard scale.isFinite, scale > 0 else { throw HEError.corruptedData("scale \(scale)") }
        let words = try (0..<4).map { i in try r.next("seed word \(i) (a seeded ciphertext carries 4)") }
        guard let seed = CiphertextSeed(words: words) else { throw HEError.corruptedData("seed") }
        let ring = context.levels[level]
        let c0 = Poly<Eval>(context: ring, data: try context.readResidues(&r, ring: ring, what: "seeded ciphertext c0"))
        try r.finish()
        return (Ciphertext(polys: [c0, seed.expand(ring)], scale: scale), seed)
    }
}
