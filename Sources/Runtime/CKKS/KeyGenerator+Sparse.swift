import HepexcModArith
import HepexcRing

extension KeyGenerator {
    /// The keys of sparse-secret encapsulation for bootstrapping
    /// (`BootstrapParameters.ephemeralSecretWeight`): a fresh ephemeral secret s' of Hamming
    /// weight `hammingWeight`, used only inside the two keys and then discarded.
    /// - Throws: `invalidParameters` for a weight outside 1…N/2.
    public mutating func encapsulationKeys(hammingWeight: Int = 32) throws -> EncapsulationKeys {
        try encapsulation(hammingWeight: hammingWeight).keys
    }

    /// The keys and the ephemeral secret's coefficients (tests decrypt under it).
    mutating func encapsulation(hammingWeight h: Int) throws -> (keys: EncapsulationKeys, sparseSecret: [Int64]) {
        let params = context.parameters
        let n = params.degree
        guard (1...(n / 2)).contains(h) else {
            throw HEError.invalidParameters("the ephemeral secret's Hamming weight must be in 1…\(n / 2), got \(h)")
        }
        let sparse = Sampling.fixedWeightTernary(degree: n, weight: h, &rng)
        // Dense to sparse, over q_0·p_0 only: (−a·s' + e + p_0·s, a).
        let ring = EncapsulationKeys.ring(context)
        let a = Sampling.uniform(ring, &rng)
        var b = Sampling.error(ring, &rng).forwardNTT()
        b -= a * Poly<Coeff>(context: ring, signedCoefficients: sparse).forwardNTT()
        let q0 = ring.moduli[0]
        let p0ModQ0 = ShoupMultiplicand(q0.reduce(ring.moduli[1].value), modulus: q0)
        for k in 0..<n {
            b.data[k] = q0.addMod(b.data[k], p0ModQ0.multiply(secretKey.poly.data[k], modulus: q0.value))
        }
        // Sparse to dense: the ordinary hybrid key from s' to s over Q·P.
        let back = switchingKey(from: Poly<Coeff>(context: context.keyRing, signedCoefficients: sparse).forwardNTT())
        let keys = EncapsulationKeys(hammingWeight: h, denseToSparseB: b, denseToSparseA: a, sparseToDense: back,
                                     parameterHash: params.parameterHash)
        return (keys, sparse)
    }
}

extension Sampling {
    /// A ternary polynomial with exactly `weight` nonzero coefficients (±1, positions and
    /// signs uniform), as signed coefficients. `degree` is a power of two.
    static func fixedWeightTernary(degree n: Int, weight h: Int, _ rng: inout SecureRandom) -> [Int64] {
        var values = [Int64](repeating: 0, count: n)
        var placed = 0
        while placed < h {
            let r = rng.next()
            let position = Int(truncatingIfNeeded: r & UInt64(n - 1))
            guard values[position] == 0 else { continue }
            values[position] = r >> 63 == 0 ? 1 : -1
            placed += 1
        }
        return values
    }
}
