public import HepexcExecutor

/// The server's side of `SoftmaxApproximation`: from DiagABT's logits to
/// the columns DiagATB needs, −λ·(P − Y) one class diagonal at a time.
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

    /// γ·e^u in the duplicated class columns (0 on padded classes and
    /// elsewhere), from `logits` = z/2^k in columns t < c and the broadcast
    /// −mean/2^k.
    public func exponentials(logits: Ciphertext, negatedMean: Ciphertext) throws(PrivateTrainingError) -> Ciphertext {
        let c = layout.paddedClasses, f = approximation
        let duplicated = try evaluator.add(logits, evaluator.rotate(logits, by: -c))
        var w = try evaluator.add(duplicated, negatedMean)
        w = try evaluator.ensure(w, levels: 2 + f.squarings, for: "softmax exp")
        let root = try evaluator.add(evaluator.multiply(w, plain: layout.classMask(value: f.leading), key: "sm.lead"),
                                     plain: layout.classMask(value: -f.root * f.leading), key: "sm.root")
        let quadratic = try evaluator.add(evaluator.add(evaluator.square(w), evaluator.multiply(w, constant: f.linear)),
                                          constant: f.constant)
        var e = try evaluator.multiply(root, quadratic)
        for _ in 0..<f.squarings { e = try evaluator.square(e) }
        return e
    }

    /// 1/S′ in columns 0..<c, S′ the class sum of `exponentials`.
    public func inverseSum(_ exponentials: Ciphertext) throws(PrivateTrainingError) -> Ciphertext {
        let f = approximation, slope = f.startSlope, offset = f.inverseLow + f.inverseHigh
        var sum = try evaluator.rotateAndSum(exponentials, count: layout.paddedClasses, stride: 1)
        sum = try evaluator.ensure(sum, levels: 2, for: "softmax inverse")
        var y = try evaluator.add(evaluator.multiply(sum, constant: -slope), constant: slope * offset)
        let negated = try evaluator.add(evaluator.multiply(sum, constant: slope), constant: -slope * offset)
        var error = try evaluator.add(evaluator.multiply(sum, negated), constant: 1)
        for iteration in 0..<f.iterations {
            error = try evaluator.ensure(error, levels: 1, for: "Goldschmidt")
            y = try evaluator.ensure(y, levels: 1, for: "Goldschmidt")
            let next = try evaluator.multiply(y, evaluator.add(error, constant: 1))
            if iteration + 1 < f.iterations { error = try evaluator.square(error) }
            y = next
        }
        return y
    }

    /// −λ·(P − Y) of one row block, as c ciphertexts: class diagonal t in
    /// column t only (0 on padded classes).
    ///
    /// - Parameters:
    ///   - labels: Y of the row block in the diagonal layout.
    ///   - stepSize: λ = learning rate / samples in the batch.
    public func gradientColumns(logits: Ciphertext, negatedMean: Ciphertext, labels: Ciphertext,
                                stepSize: Double) throws(PrivateTrainingError) -> [Ciphertext] {
        var e = try exponentials(logits: logits, negatedMean: negatedMean)
        e = try evaluator.ensure(e, levels: 3, for: "softmax output")
        var inverse = try inverseSum(e)
        inverse = try evaluator.ensure(inverse, levels: 2, for: "softmax output")
        let c = layout.paddedClasses
        let predictions = try (0..<c).map { t throws(PrivateTrainingError) in
            let masked = try evaluator.multiply(e, plain: layout.columnMask(column: t, classColumn: t, value: -stepSize),
                                                key: "sm.p.\(t).\(stepSize)")
            return try evaluator.multiply(masked, inverse)
        }
        let target = predictions.map(evaluator.level).min() ?? 0
        let lowered = try evaluator.lower(labels, to: target + 1)
        return try (0..<c).map { t throws(PrivateTrainingError) in
            let y = try evaluator.multiply(lowered, plain: layout.columnMask(column: t, classColumn: t, value: stepSize),
                                           key: "sm.y.\(t).\(stepSize)")
            return try evaluator.add(predictions[t], y)
        }
    }
}
