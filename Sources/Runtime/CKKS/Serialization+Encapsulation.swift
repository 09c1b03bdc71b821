import HepexcRing

extension EncapsulationKeys {
    /// Serializes both keys ("HXEN"): the Hamming weight h, the dense-to-sparse key's `b` and
    /// `a` over `[q_0, p_0]` (2 × 2N residues), then the sparse-to-dense key-switching key.
    /// Public material: neither the ephemeral nor the main secret is in it.
    public func serialized(context: CKKSContext) -> [UInt8] {
        let payload = [UInt64(hammingWeight)] + denseToSparseB.data + denseToSparseA.data + sparseToDense.payload()
        return Container.encode(.encapsulationKeys, parameterHash: context.hash, payload: payload)
    }

    /// - Throws: `HEError` on corruption (a weight outside 1…N/2, wrong sizes, unreduced
    ///   residues, truncation), another kind of file or other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var r = PayloadReader(words: try Container.decode(bytes, expecting: .encapsulationKeys, parameterHash: context.hash))
        let params = context.parameters
        guard !params.specialModuli.isEmpty else {
            throw HEError.corruptedData("encapsulation keys need a special prime; these parameters have none")
        }
        let weight = try r.int("Hamming weight", in: 1...(params.degree / 2))
        let ring = Self.ring(context)
        let b = try context.readResidues(&r, ring: ring, what: "dense-to-sparse key b")
        let a = try context.readResidues(&r, ring: ring, what: "dense-to-sparse key a")
        let back = try KeySwitchKey.read(&r, context: context)
        try r.finish()
        self.init(hammingWeight: weight, denseToSparseB: Poly<Eval>(context: ring, data: b),
                  denseToSparseA: Poly<Eval>(context: ring, data: a), sparseToDense: back, parameterHash: context.hash)
    }
}
