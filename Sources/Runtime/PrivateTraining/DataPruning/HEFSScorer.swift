public import HepexcExecutor

/// How the server scores samples for pruning.
public enum ScoringMethod: String, Sendable, Codable, CaseIterable {
    /// Σ_k |P_k − Y_k| with |d| ≈ d·g(f(d)) (HEPrune's HEFS): depth 9.
    case hefs
    /// 2 − 2⟨P, Y⟩, equal to Σ_k |P_k − Y_k| when P is a probability vector
    /// and Y one-hot (research note §2, derived): depth 1.
    case hefsFast = "hefs-fast"
}

/// Per-row-block score ciphertexts: slot r·s1 (column 0 of row r) holds
/// (S_r − offset)/factor; the affine map is public and applied when the
/// scores are repacked (`ScoreRepacker`), which saves each method a level.
public struct BlockScores<Ciphertext> {
    /// One ciphertext per row block, in the order of the inputs.
    public var ciphertexts: [Ciphertext]
    public let factor: Double
    public let offset: Double
    /// Where every correct score lies (exact range widened by the method's
    /// error bound); the client refuses scores outside it.
    public let plausibleRange: ClosedRange<Double>
}

/// HEFS on HETAL's layout (research note §2): predictions P and one-hot
/// labels Y, one ciphertext per row block, in the diagonal row layout (row r,
/// column t < c holds class (r + t) mod c; columns ≥ c are ignored).
///
/// **hefs** (depth 9, per row block: 2 ct×mask, 16 ct×ct = f 5 + g 10 + 1,
/// 23 ct×constant (coefficients and level alignments), log₂c rotations):
/// 1. d′ = P ⊙ m/B − Y ⊙ m/B, m the real-class mask (padded classes and
///    columns ≥ c become 0), B = `inputBound`: one level;
/// 2. |d′| ≈ d′·g(f(d′)): f depth 3, g depth 4, the product 1;
/// 3. Σ over the c class columns by rotate-and-sum (steps 1, 2, …, c/2), so
///    slot r·s1 holds Σ|d′| = S_r/B (factor B).
///
/// Input-range guard: the composite sign is only valid on [−1, 1]. With P in
/// [0, 1] and Y one-hot, |P − Y| ≤ 1; an approximate softmax overshoots by at
/// most its error bound ε, so pass B = 1 + ε and the polynomial sees
/// |d′| ≤ 1. The per-class error becomes B·0.0077. If the bound is violated
/// anyway, the polynomial explodes (≈1e11 at 1.1) and the client's range
/// check (`ClientAidedMasking.readScores`) refuses the scores.
///
/// **hefs-fast** (depth 1, per row block: 1 ct×ct, log₂c rotations):
/// ⟨P, Y⟩ = Σ_t P_t·Y_t by one product (Y is 0 on padded classes and columns
/// ≥ c, so no mask) and the same class sum; factor −2, offset 2.
///
/// Levels: `hefs` calls `ensure(levels: 9)` once on d′'s inputs, so with
/// `RefreshMode.client` a refresh happens on P − Y before the polynomial (the
/// client then sees its own data's prediction errors, nothing it could not
/// compute from the model it receives anyway), never mid-polynomial.
public struct HEFSScorer<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let evaluator: LeveledEvaluator<Base>
    public let layout: HETALLayout
    /// B ≥ 1: a bound on |P − Y| (1 + the softmax's error bound).
    public let inputBound: Double

    /// - Throws: `DataPruningError.invalidInputBound` unless
    ///   1 ≤ B ≤ `CompositeSign.maximumInputBound`.
    public init(evaluator: LeveledEvaluator<Base>, layout: HETALLayout, inputBound: Double = 1.01) throws(DataPruningError) {
        guard inputBound >= 1, inputBound <= CompositeSign.maximumInputBound else {
            throw .invalidInputBound(inputBound)
        }
        self.evaluator = evaluator
        self.layout = layout
        self.inputBound = inputBound
    }

    /// Levels a method consumes before repacking.
    public static func depth(of method: ScoringMethod) -> Int {
        switch method {
        case .hefs: return 1 + CompositeSign.absoluteDepth
        case .hefsFast: return 1
        }
    }

    /// The worst-case score error of a method (before CKKS noise).
    public func errorBound(of method: ScoringMethod) -> Double {
        switch method {
        case .hefs: return Double(layout.classCount) * inputBound * CompositeSign.absoluteError
        case .hefsFast: return 2 * (inputBound - 1)
        }
    }

    /// Scores every row block by `method`.
    ///
    /// - Parameters:
    ///   - predictions: P, one ciphertext per row block.
    ///   - labels: Y, one ciphertext per row block, in the same order.
    /// - Returns: the block scores with their public affine map.
    /// - Throws: `DataPruningError.shapeMismatch`, `.training`.
    public func score(_ method: ScoringMethod, predictions: [Ciphertext],
                      labels: [Ciphertext]) throws(DataPruningError) -> BlockScores<Ciphertext> {
        guard predictions.count == labels.count else {
            throw .shapeMismatch("\(predictions.count) prediction blocks but \(labels.count) label blocks")
        }
        let tolerance = errorBound(of: method) + 0.01
        let range = (-tolerance)...(2 * inputBound + tolerance)
        switch method {
        case .hefs:
            let blocks = try DataPruningError.lifting { () throws(PrivateTrainingError) in
                try zip(predictions, labels).map { p, y throws(PrivateTrainingError) in try hefs(p, y) }
            }
            return BlockScores(ciphertexts: blocks, factor: inputBound, offset: 0, plausibleRange: range)
        case .hefsFast:
            let blocks = try DataPruningError.lifting { () throws(PrivateTrainingError) in
                try zip(predictions, labels).map { p, y throws(PrivateTrainingError) in try innerProduct(p, y) }
            }
            return BlockScores(ciphertexts: blocks, factor: -2, offset: 2, plausibleRange: range)
        }
    }

    /// Σ_t |P_t − Y_t|/B in column 0 of every row.
    func hefs(_ p: Ciphertext, _ y: Ciphertext) throws(PrivateTrainingError) -> Ciphertext {
        let needed = Self.depth(of: .hefs)
        let pReady = try evaluator.ensure(p, levels: needed, for: "HEFS")
        let yReady = try evaluator.ensure(y, levels: needed, for: "HEFS")
        let scaled = 1 / inputBound
        let d = try evaluator.add(
            evaluator.multiply(pReady, plain: realClassMask(value: scaled), key: "hefs.m+\(scaled)"),
            evaluator.multiply(yReady, plain: realClassMask(value: -scaled), key: "hefs.m-\(scaled)"))
        let sign = try CompositeSign.g.evaluate(CompositeSign.f.evaluate(d, evaluator: evaluator), evaluator: evaluator)
        let absolute = try evaluator.multiply(d, sign)
        return try evaluator.rotateAndSum(absolute, count: layout.paddedClasses, stride: 1)
    }

    /// ⟨P, Y⟩ in column 0 of every row.
    func innerProduct(_ p: Ciphertext, _ y: Ciphertext) throws(PrivateTrainingError) -> Ciphertext {
        try evaluator.rotateAndSum(evaluator.multiply(p, y), count: layout.paddedClasses, stride: 1)
    }

    /// `value` at row r, column t < c where class (r + t) mod c is real.
    func realClassMask(value: Double) -> [Double] {
        var slots = [Double](repeating: 0, count: layout.slotCount)
        for r in 0..<layout.rows {
            for t in 0..<layout.paddedClasses where layout.classIndex(row: r, column: t) < layout.classCount {
                slots[r * layout.columns + t] = value
            }
        }
        return slots
    }
}
