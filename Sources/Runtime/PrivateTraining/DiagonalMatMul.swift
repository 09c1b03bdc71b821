public import HepexcExecutor

/// HETAL's diagonal matrix products on row-major blocks (research note §1):
/// DiagABT computes the logits X·Wᵀ, DiagATB the gradient (P − Y)ᵀ·X.
///
/// Our backend has real slots, so each ct×ct product carries one class
/// diagonal where HETAL's complex packing carries two: the Mult and
/// weight-rotation terms are c where Table 7 has c/2 (see `abtCounts`,
/// `atbCounts` and docs/private-training.md).
public struct DiagonalMatMul<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let evaluator: LeveledEvaluator<Base>
    public let layout: HETALLayout

    public init(evaluator: LeveledEvaluator<Base>, layout: HETALLayout) {
        self.evaluator = evaluator
        self.layout = layout
    }

    /// Logits by DiagABT, in the diagonal layout.
    ///
    /// For each class diagonal t: Σ_b X_ab ⊙ rot(W̃_b, t·s1) (one inner
    /// product: one relinearization for the B column blocks; row r meets
    /// class (r+t) mod c), a row sum (log2 s1 rotate-and-adds) into column 0,
    /// a mask (value `scale` on real classes) and a rotation right by t.
    /// Levels: one ct×ct product and one mask below the weights.
    ///
    /// - Parameters:
    ///   - features: `[rowBlock][columnBlock]`, at any level ≥ the weights'.
    ///   - weights: the B row-tiled blocks of W.
    ///   - scale: multiplies the logits (folded into the masks).
    ///   - negatedMeanScale: when set, also returns −scale′·mean over the
    ///     real classes of each row, broadcast to columns 0..<2c.
    /// - Returns: per row block, `scale·z` in columns t < c (0 on padded
    ///   classes and elsewhere), and the negated means.
    public func logits(features: [[Ciphertext]], weights: [Ciphertext], scale: Double,
                       negatedMeanScale: Double? = nil) throws(PrivateTrainingError) -> (logits: [Ciphertext], negatedMeans: [Ciphertext]) {
        let c = layout.paddedClasses, s1 = layout.columns
        let weightLevel = weights.map(evaluator.level).min() ?? 0
        let rotated = try weights.map { w throws(PrivateTrainingError) in
            try evaluator.rotations(w, by: (0..<c).map { $0 * s1 })
        }
        var logits: [Ciphertext] = [], means: [Ciphertext] = []
        for row in features {
            let x = try row.map { ct throws(PrivateTrainingError) in try evaluator.lower(ct, to: weightLevel) }
            var placed: [Ciphertext] = [], meanTerms: [Ciphertext] = []
            for t in 0..<c {
                // The column blocks' products share one relinearization.
                let product = try evaluator.innerProduct(x, x.indices.map { rotated[$0][t] })
                let rowSum = try evaluator.rotateAndSum(product, count: s1, stride: 1)
                let masked = try evaluator.multiply(rowSum, plain: layout.columnMask(column: 0, classColumn: t, value: scale),
                                                    key: "abt.\(t).\(scale)")
                placed.append(try evaluator.rotate(masked, by: -t))
                if let meanScale = negatedMeanScale {
                    let value = -meanScale / Double(layout.classCount)
                    meanTerms.append(try evaluator.multiply(rowSum, plain: layout.columnMask(column: 0, classColumn: t, value: value),
                                                            key: "abt.mean.\(t).\(value)"))
                }
            }
            logits.append(try evaluator.sum(placed))
            if negatedMeanScale != nil {
                means.append(try evaluator.rotateAndSum(evaluator.sum(meanTerms), count: 2 * c, stride: -1))
            }
        }
        return (logits, means)
    }

    /// The gradient step −λ·(P − Y)ᵀ·X by DiagATB, in the weights' row-tiled
    /// layout.
    ///
    /// `columns[a][t]` holds λ-scaled (Y − P) of row block a in column t only.
    /// Each is broadcast along its row (log2 s1 right rotate-and-adds), which
    /// leaves it shifted right by t; it multiplies X shifted right by t
    /// (hoisted), the product is rotated left by t − t·s1 (class (r+t) mod c
    /// moves to row ≡ class), and a sum over rows c apart (log2(s0/c)
    /// rotate-and-adds) adds all samples. Levels: one ct×ct product.
    public func gradient(columns: [[Ciphertext]], features: [[Ciphertext]]) throws(PrivateTrainingError) -> [Ciphertext] {
        let c = layout.paddedClasses, s1 = layout.columns, s0 = layout.rows
        var perClass = [[Ciphertext?]](repeating: [Ciphertext?](repeating: nil, count: c), count: layout.columnBlocks)
        for (a, row) in features.enumerated() {
            let broadcast = try columns[a].map { ct throws(PrivateTrainingError) in
                try evaluator.rotateAndSum(ct, count: s1, stride: -1)
            }
            let level = broadcast.map(evaluator.level).min() ?? 0
            for (b, block) in row.enumerated() {
                let lowered = try evaluator.lower(block, to: level)
                let shifted = try evaluator.rotations(lowered, by: (0..<c).map { -$0 })
                for t in 0..<c {
                    let product = try evaluator.multiply(broadcast[t], shifted[t])
                    perClass[b][t] = try perClass[b][t].map { total throws(PrivateTrainingError) in
                        try evaluator.add(total, product)
                    } ?? product
                }
            }
        }
        return try perClass.map { terms throws(PrivateTrainingError) in
            let aligned = try terms.enumerated().map { t, term throws(PrivateTrainingError) in
                guard let term else { throw PrivateTrainingError.backend("internal: empty gradient term") }
                return try evaluator.rotate(term, by: t - t * s1)
            }
            return try evaluator.rotateAndSum(evaluator.sum(aligned), count: s0 / c, stride: c * s1)
        }
    }
}
