import HepexcExecutor
import HepexcPrivateTraining
import Testing

/// The polynomial softmax stays within its stated bound across its domain
/// and at its edges; the encrypted evaluation is the float one.
@Suite struct SoftmaxApproximationTests {
    static let approximation = try? SoftmaxApproximation(classCount: 10)

    static func centred(_ values: [Double]) -> [Double] {
        let mean = values.reduce(0, +) / Double(values.count)
        return values.map { $0 - mean }
    }

    func worstError(_ approximation: SoftmaxApproximation, _ logits: [Double]) -> Double {
        zip(approximation.probabilities(logits), SoftmaxApproximation.exact(logits)).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func boundIsSmall() throws {
        let f = try #require(Self.approximation)
        #expect(f.domain == 16)
        #expect(f.errorBound < 1e-2)
        #expect(f.depth == 2 + 5 + 2 + f.iterations + 1 + 2 * (5 + f.sharpenIterations))
    }

    @Test func randomLogitsInsideTheDomain() throws {
        let f = try #require(Self.approximation)
        var stream = TrainingTestSupport.Stream(state: 3)
        for trial in 0..<2000 {
            let spread = [0.5, 2, 4, 8, 16][trial % 5]
            var z = Self.centred((0..<10).map { _ in spread * stream.next() })
            let top = z.map(abs).max() ?? 1
            if top > f.domain { z = z.map { $0 * f.domain / top } }
            #expect(worstError(f, z.map { $0 + 3 }) <= f.errorBound)  // shift-invariant
        }
    }

    @Test func edgesOfTheDomain() throws {
        let f = try #require(Self.approximation)
        let u = f.domain
        var cases: [[Double]] = [Array(repeating: 0, count: 10)]
        for winner in [0, 9] {
            // One class at +U, the rest sharing −U so the mean is 0 and every |u| ≤ U.
            cases.append((0..<10).map { $0 == winner ? u : -u / 9 })
            cases.append((0..<10).map { $0 == winner ? -u : u / 9 })
        }
        cases.append((0..<10).map { $0 < 5 ? u : -u })
        cases.append((0..<10).map { $0 < 1 ? u : ($0 < 2 ? -u : 0) })
        for z in cases {
            #expect(SoftmaxApproximation.centredMagnitude(z) <= u + 1e-12)
            #expect(worstError(f, z) <= f.errorBound, "logits \(z)")
        }
    }

    @Test func outsideTheDomainTheErrorGrows() throws {
        let f = try #require(Self.approximation)
        let z = (0..<10).map { $0 == 0 ? 3 * f.domain : -3 * f.domain / 9 }
        #expect(worstError(f, z) > f.errorBound)
    }

    @Test func encryptedEvaluationIsTheFloatEvaluation() throws {
        let f = try #require(Self.approximation)
        let layout = try HETALLayout(slotCount: 2048, featureCount: 20, classCount: 10, batchSize: 32)
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 2048, levels: 12), refreshMode: .client)
        let softmax = EncryptedSoftmax(evaluator: evaluator, layout: layout, approximation: f)
        var stream = TrainingTestSupport.Stream(state: 5)
        let logits = (0..<layout.rows).map { _ in Self.centred((0..<10).map { _ in 12 * stream.next() }) }
        // z/2^k in column t (class (r + t) mod c), −mean/2^k broadcast (0: already centred).
        var slots = [Double](repeating: 0, count: 2048)
        for r in 0..<layout.rows {
            for t in 0..<layout.paddedClasses where layout.classIndex(row: r, column: t) < 10 {
                slots[r * layout.columns + t] = logits[r][layout.classIndex(row: r, column: t)] * f.inputScale
            }
        }
        let columns = try softmax.gradientColumns(logits: evaluator.encrypt(slots),
                                                  negatedMean: evaluator.encrypt(Array(repeating: 0, count: 2048)),
                                                  labels: evaluator.encrypt(Array(repeating: 0, count: 2048)), stepSize: 1)
        for (t, column) in columns.enumerated() {
            let values = try evaluator.decrypt(column)
            for r in 0..<layout.rows {
                let j = layout.classIndex(row: r, column: t)
                let expected = j < 10 ? -f.probabilities(logits[r])[j] : 0
                #expect(abs(values[r * layout.columns + t] - expected) < 1e-9)
            }
        }
    }
}
