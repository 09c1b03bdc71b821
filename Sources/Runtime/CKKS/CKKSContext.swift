import HepexcModArith
public import HepexcRing

/// All precomputation for one parameter set: NTT tables, the ring of every level,
/// rescale and key-switching constants, and the thread count.
///
/// Level ℓ means ℓ + 1 ciphertext limbs (q_0 … q_ℓ); the top level is `maxLevel`.
/// The key ring orders its primes q_0 … q_{L−1}, p_0 … p_{K−1}, so every level's
/// ring is a prefix of it.
public final class CKKSContext: Sendable {
    /// The validated parameters.
    public let parameters: CKKSParameters
    /// Threads for loops over limbs.
    public let parallelism: Parallelism
    /// The ring of each level: `levels[ℓ]` has primes q_0 … q_ℓ.
    public let levels: [RingContext]
    /// The key ring: q_0 … q_{L−1}, p_0 … p_{K−1}.
    public let keyRing: RingContext
    /// NTT tables of q_0 … q_{L−1}, p_0 … p_{K−1}.
    let tables: [NTTTables]
    /// Rescale from level ℓ (index ℓ, ℓ ≥ 1): divide by q_ℓ and round.
    let rescalers: [DivideAndRound?]
    /// ModDown: divide by P and round, for all q limbs.
    let modDown: DivideAndRound
    /// ModUp converters: `modUp[ℓ][j]` converts digit j at level ℓ into the other limbs.
    let modUp: [[DigitConverter]]
    /// `[P]_{q_i}` (key generation).
    let specialProductModQ: [UInt64]
    /// Encoder tables.
    let fft: SpecialFFT
    /// Multiprecision constants for decoding at each level.
    let composers: [CRTComposer]
    /// Reused key-switching temporaries (up to 12 key-ring polynomials' worth kept).
    let scratchPool: ScratchPool

    /// Builds all tables.
    /// - Parameters: `parameters` validated parameters; `threads` worker threads (default: all cores).
    public init(parameters: CKKSParameters, threads: Int? = nil) {
        self.parameters = parameters
        let parallelism = Parallelism(threads: max(1, threads ?? Self.coreCount))
        self.parallelism = parallelism
        let n = parameters.degree
        let moduli = (parameters.ciphertextModuli + parameters.specialModuli).map(Modulus.init)
        var tables = [NTTTables?](repeating: nil, count: moduli.count)
        for (i, q) in moduli.enumerated() { tables[i] = NTTTables(modulus: q, degree: n) }
        let built = tables.map { $0! }
        self.tables = built
        let L = parameters.ciphertextModuli.count
        let K = parameters.specialModuli.count
        self.levels = (0..<L).map { RingContext(tables: Array(built[0...$0]), parallelism: parallelism) }
        self.keyRing = RingContext(tables: built, parallelism: parallelism)
        let q = Array(moduli[0..<L]), p = Array(moduli[L..<(L + K)])
        self.rescalers = (0..<L).map { level in
            level == 0 ? nil : DivideAndRound(keep: Array(q[0..<level]), drop: [q[level]])
        }
        self.modDown = DivideAndRound(keep: q, drop: p)
        self.modUp = (0..<L).map { level in
            (0..<parameters.digitCount).compactMap { j -> DigitConverter? in
                let range = parameters.digitRange(j).clamped(to: 0..<(level + 1))
                guard !range.isEmpty else { return nil }
                return DigitConverter(level: level, digit: range, moduli: moduli, ciphertextCount: L)
            }
        }
        self.specialProductModQ = q.map { qi in p.reduce(UInt64(1)) { qi.mulMod($0, qi.reduce($1.value)) } }
        self.fft = SpecialFFT(degree: n)
        self.composers = (0..<L).map { CRTComposer(moduli: Array(q[0...$0])) }
        self.scratchPool = ScratchPool(limitWords: 12 * (L + K) * n)
    }

    /// The number of cores (`sysconf(_SC_NPROCESSORS_ONLN)`).
    public static var coreCount: Int { max(1, systemCoreCount()) }

    /// A context identical to this one with another thread count.
    public func withThreads(_ threads: Int) -> CKKSContext {
        CKKSContext(parameters: parameters, threads: threads)
    }
}

/// `x → round(x / D)` for `x` over keep ∪ drop primes, `D` = product of the drop primes
/// (rescale: D = q_ℓ; ModDown: D = P). Evaluation form in and out.
struct DivideAndRound: Sendable {
    let keep: [Modulus]
    let drop: [Modulus]
    let converter: BaseConverter
    /// `⌊D/2⌋ mod d_m`.
    let halfModDrop: [UInt64]
    /// `⌊D/2⌋ mod q_i`.
    let halfModKeep: [UInt64]
    /// `D⁻¹ mod q_i`.
    let inverse: [ShoupMultiplicand]

    init(keep: [Modulus], drop: [Modulus]) {
        self.keep = keep
        self.drop = drop
        self.converter = BaseConverter(from: drop, to: keep)
        // ⌊D/2⌋ = (D − 1)/2 ≡ −2⁻¹ (mod d_m) and ((D mod q) − 1)·2⁻¹ (mod q).
        self.halfModDrop = drop.map { d in d.negateMod(d.inverseMod(2)) }
        var half: [UInt64] = [], inverse: [ShoupMultiplicand] = []
        for q in keep {
            let dModQ = drop.reduce(UInt64(1)) { q.mulMod($0, q.reduce($1.value)) }
            half.append(q.mulMod(q.subMod(dModQ, 1), q.inverseMod(2)))
            inverse.append(ShoupMultiplicand(q.inverseMod(dModQ), modulus: q))
        }
        self.halfModKeep = half
        self.inverse = inverse
    }
}

/// ModUp of one key-switching digit at one level: the digit's limbs (indices into the
/// key ring) and a converter into every other limb of `Q_ℓ ∪ P`.
struct DigitConverter: Sendable {
    /// Ciphertext limbs forming the digit.
    let digit: Range<Int>
    /// Target limbs (key-ring indices), in the order the converter outputs them.
    let targets: [Int]
    let converter: BaseConverter

    init(level: Int, digit: Range<Int>, moduli: [Modulus], ciphertextCount L: Int) {
        self.digit = digit
        let targets = (0...level).filter { !digit.contains($0) } + Array(L..<moduli.count)
        self.targets = targets
        self.converter = BaseConverter(from: digit.map { moduli[$0] }, to: targets.map { moduli[$0] })
    }
}
