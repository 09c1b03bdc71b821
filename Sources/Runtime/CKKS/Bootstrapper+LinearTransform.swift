/// One factor of CoeffToSlot or SlotToCoeff, ready to evaluate with baby-step giant-step:
/// `M·x = Σ_i rot_{G·i}( Σ_b pt_{i,b} ⊙ rot_b(x) )` with `pt_{i,b}` the diagonal `G·i + b`
/// rotated right by `G·i`. The baby rotations share one ModUp (hoisting); each giant step
/// costs one key switch; the whole factor one rescale.
struct EncodedTransform: Sendable {
    /// One giant step: its rotation and the (baby step, plaintext) terms it sums.
    struct Giant: Sendable {
        let step: Int
        let terms: [(baby: Int, plaintext: Plaintext)]
    }

    /// Level of the input ciphertext (the output is one below).
    let level: Int
    /// The scale the plaintexts are encoded at.
    let plaintextScale: Double
    let babySteps: [Int]
    let giants: [Giant]

    /// Bytes of the plaintexts.
    var byteCount: Int { giants.reduce(0) { $0 + $1.terms.reduce(0) { $0 + $1.plaintext.poly.data.count * 8 } } }

    /// The baby-step giant-step split of a matrix's offsets that needs the fewest rotations
    /// (giant rotations are full key switches, hoisted baby rotations about half of one).
    static func split(_ matrix: SlotMatrix) -> (giant: Int, babies: [Int], giants: [Int]) {
        let offsets = matrix.signedOffsets
        var best: (cost: Double, giant: Int, babies: [Int], giants: [Int])?
        var g = 1
        while g <= matrix.period {
            let babies = Set(offsets.map { (($0 % g) + g) % g })
            let giants = Set(offsets.map { $0 - ((($0 % g) + g) % g) })
            let cost = 0.5 * Double(babies.subtracting([0]).count) + Double(giants.subtracting([0]).count)
            if best == nil || cost < best?.cost ?? 0 { best = (cost, g, babies.sorted(), giants.sorted()) }
            g <<= 1
        }
        guard let best else { return (1, [0], [0]) }
        return (best.giant, best.babies, best.giants)
    }

    /// The rotation steps the factor needs keys for.
    static func rotations(_ matrix: SlotMatrix) -> Set<Int> {
        let (_, babies, giants) = split(matrix)
        return Set(babies + giants).subtracting([0])
    }

    /// Encodes every pre-rotated diagonal at `level` and `scale`.
    /// - Throws: the encoder's errors (a value too large for the level).
    init(_ matrix: SlotMatrix, level: Int, scale: Double, encoder: CKKSEncoder) throws {
        let (_, babies, giantSteps) = Self.split(matrix)
        let period = matrix.period
        let ringSlots = encoder.context.parameters.slotCount
        let signed = Set(matrix.signedOffsets)
        var giants: [Giant] = []
        for giant in giantSteps {
            var terms: [(baby: Int, plaintext: Plaintext)] = []
            for baby in babies {
                let k = giant + baby
                guard signed.contains(k), let diagonal = matrix.diagonals[(k % period + period) % period] else { continue }
                var re = [Double](repeating: 0, count: ringSlots), im = re
                for p in 0..<ringSlots {
                    let v = diagonal[((p - giant) % period + period) % period]
                    re[p] = v.re; im[p] = v.im
                }
                terms.append((baby, try encoder.encode(real: re, imaginary: im, scale: scale, level: level)))
            }
            if !terms.isEmpty { giants.append(Giant(step: giant, terms: terms)) }
        }
        self.level = level
        self.plaintextScale = scale
        self.babySteps = babies
        self.giants = giants
    }

    /// `M·x`, rescaled: level − 1, scale `x.scale · plaintextScale / q_level`.
    func apply(_ x: Ciphertext, evaluator: Evaluator) throws -> Ciphertext {
        guard x.level == level else {
            throw HEError.bootstrapNotPossible("a linear transform expects level \(level), got \(x.level)")
        }
        let rotated = try evaluator.rotateHoisted(x, by: babySteps)
        var total: Ciphertext?
        for giant in giants {
            var cts: [Ciphertext] = [], pts: [Plaintext] = []
            for term in giant.terms {
                guard let ct = rotated[term.baby] else { throw HEError.bootstrapNotPossible("internal: baby step missing") }
                cts.append(ct); pts.append(term.plaintext)
            }
            var inner = try evaluator.multiplyAccumulate(cts, pts)
            if giant.step != 0 { inner = try evaluator.rotate(inner, by: giant.step) }
            total = try total.map { try evaluator.add($0, inner) } ?? inner
        }
        guard let total else { throw HEError.bootstrapNotPossible("internal: empty linear transform") }
        return try evaluator.rescale(total)
    }
}
