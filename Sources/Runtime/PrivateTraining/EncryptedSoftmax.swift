public import HepexcExecutor

/// The server's side of `SoftmaxApproximation`: from DiagABT's logits to
/// the columns DiagATB needs, −λ·(P − Y) one class diagonal at a time.
///
/// Slot bookkeeping: exponentials and squared probabilities are kept in the
/// duplicated class columns 0..<2c (zero elsewhere), so a cyclic class sum
/// (log2 c rotate-and-adds) is exact in columns 0..<c; inverses and
/// probabilities are valid in columns 0..<c.
public struct EncryptedSoftmax<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let evaluator: LeveledEvaluator<Base>
    public let layout: HETALLayout
    public let approximation: SoftmaxApproximation

    public init(evaluator: LeveledEvaluator<Base>, layout: HETALLayout, approximation: SoftmaxApproximation) {
        self.evaluator = evaluator
        self.layout = layout
        self.approximation = approximation
    }

    /// γ·e^{u/2^m} in the duplicated class columns (0 on padded classes and
    /// elsewhere), from `logits` = z/2^k in columns t < c and the broadcast
    /// −mean/2^k.
    public func exponentials(logits: Ciphertext, negatedMean: Ciphertext) throws(PrivateTrainingError) -> Ciphertext {
        let c = layout.paddedClasses, f = approximation
        let squarings = f.squarings - f.sharpenings
        let duplicated = try evaluator.add(logits, evaluator.rotate(logits, by: -c))
        var w = try evaluator.add(duplicated, negatedMean)
        // Centred logits / 2^k: within U/2^k in the domain (bootstrap bound: 4× that).
        w = try evaluator.ensure(w, levels: 2 + squarings, for: "softmax exp",
                                 bound: 4 * f.domain / Double(1 << f.squarings))
        let root = try evaluator.add(evaluator.multiply(w, plain: layout.classMask(value: f.leading), key: "sm.lead"),
                                     plain: layout.classMask(value: -f.root * f.leading), key: "sm.root")
        let quadratic = try evaluator.add(evaluator.add(evaluator.square(w), evaluator.multiply(w, constant: f.linear)),
                                          constant: f.constant)
        var e = try evaluator.multiply(root, quadratic)
        for _ in 0..<squarings { e = try evaluator.square(e) }
        return e
    }

    /// 1/Σ_classes of `values` (duplicated class columns) in columns 0..<c,
    /// by the linear start and Goldschmidt steps on [low, high].
    public func inverseSum(_ values: Ciphertext, low: Double, high: Double,
                           iterations: Int) throws(PrivateTrainingError) -> Ciphertext {
        let slope = SoftmaxApproximation.slope(low, high), offset = low + high
        var sum = try evaluator.rotateAndSum(values, count: layout.paddedClasses, stride: 1)
        sum = try evaluator.ensure(sum, levels: 2, for: "softmax inverse", bound: 2 * high)
        var y = try evaluator.add(evaluator.multiply(sum, constant: -slope), constant: slope * offset)
        let negated = try evaluator.add(evaluator.multiply(sum, constant: slope), constant: -slope * offset)
        var error = try evaluator.add(evaluator.multiply(sum, negated), constant: 1)
        for iteration in 0..<iterations {
            error = try evaluator.ensure(error, levels: 1, for: "Goldschmidt", bound: 2, valid: classColumns)
            y = try evaluator.ensure(y, levels: 1, for: "Goldschmidt", bound: 2 / low, valid: classColumns)
            let next = try evaluator.multiply(y, evaluator.add(error, constant: 1))
            if iteration + 1 < iterations { error = try evaluator.square(error) }
            y = next
        }
        return y
    }

    /// Columns 0..<c, where inverses are valid (elsewhere an inverse of 0
    /// doubles at every Goldschmidt step): what a bootstrap refresh keeps.
    var classColumns: (mask: [Double], key: String) { (layout.columnRangeMask(upTo: layout.paddedClasses), "sm.classes") }

    /// The last numerator (duplicated class columns) and inverse whose
    /// product is the probabilities.
    func normalised(logits: Ciphertext, negatedMean: Ciphertext) throws(PrivateTrainingError) -> (Ciphertext, Ciphertext) {
        let f = approximation, c = layout.paddedClasses
        // Bootstrap bounds: exponentials and probabilities ≤ 1, inverses ≤ 1/low (2× margin).
        var numerator = try evaluator.ensure(exponentials(logits: logits, negatedMean: negatedMean), levels: 3,
                                             for: "softmax normalisation", bound: 2)
        var inverse = try evaluator.ensure(inverseSum(numerator, low: f.inverseLow, high: f.inverseHigh,
                                                      iterations: f.iterations), levels: 2, for: "softmax normalisation",
                                           bound: 2 / f.inverseLow, valid: classColumns)
        for _ in 0..<f.sharpenings {
            let p = try evaluator.ensure(evaluator.multiply(numerator, inverse), levels: 2, for: "softmax sharpening", bound: 2)
            let clean = try evaluator.multiply(p, plain: layout.columnRangeMask(upTo: c), key: "sm.clean")
            let squared = try evaluator.multiply(clean, p)
            numerator = try evaluator.ensure(evaluator.add(squared, evaluator.rotate(squared, by: -c)), levels: 3,
                                             for: "softmax sharpening", bound: 2)
            inverse = try evaluator.ensure(inverseSum(numerator, low: f.sharpenLow, high: f.sharpenHigh,
                                                      iterations: f.sharpenIterations), levels: 2, for: "softmax sharpening",
                                           bound: 2 / f.sharpenLow, valid: classColumns)
        }
        return (numerator, inverse)
    }

    /// −λ·(P − Y) of one row block, as c ciphertexts: class diagonal t in
    /// column t only (0 on padded classes).
    ///
    /// - Parameters:
    ///   - labels: Y of the row block in the diagonal layout.
    ///   - stepSize: λ = learning rate / samples in the batch.
    public func gradientColumns(logits: Ciphertext, negatedMean: Ciphertext, labels: Ciphertext,
                                stepSize: Double) throws(PrivateTrainingError) -> [Ciphertext] {
        let (numerator, inverse) = try normalised(logits: logits, negatedMean: negatedMean)
        let c = layout.paddedClasses
        let predictions = try (0..<c).map { t throws(PrivateTrainingError) in
            let masked = try evaluator.multiply(numerator, plain: layout.columnMask(column: t, classColumn: t, value: -stepSize),
                                                key: nil)
            return try evaluator.multiply(masked, inverse)
        }
        let target = predictions.map(evaluator.level).min() ?? 0
        let lowered = try evaluator.lower(labels, to: target + 1)
        return try (0..<c).map { t throws(PrivateTrainingError) in
            let y = try evaluator.multiply(lowered, plain: layout.columnMask(column: t, classColumn: t, value: stepSize),
                                           key: nil)
            return try evaluator.add(predictions[t], y)
        }
    }
}
