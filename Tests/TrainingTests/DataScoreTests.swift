import HepexcIR
@testable import HepexcTraining
import Testing

@Suite("Data-pruning scores")
struct DataScoreTests {
    /// Softmax rows of random logits at temperatures 0.3…10, with random labels.
    static func softmaxRows(count: Int, classes: Int = 10, seed: UInt64) -> (probabilities: [Double], labels: [Int]) {
        var generator = SplitMix64(seed: seed)
        func unit() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
        var probabilities: [Double] = [], labels: [Int] = []
        for row in 0..<count {
            let temperature = 0.3 + 9.7 * Double(row) / Double(max(count - 1, 1))
            let label = Int(generator.next() % UInt64(classes))
            // Usually the label's logit leads (a trained model), sometimes not.
            let logits = (0..<classes).map { k in (unit() * 2 - 1) * temperature + (k == label && row % 4 != 0 ? temperature : 0) }
            probabilities += DataScore.softmax(logits[...])
            labels.append(label)
        }
        return (probabilities, labels)
    }

    @Test("hefs is within 0.08 of the exact ℓ1 score on softmax outputs; hefs-fast equals it")
    func accuracy() throws {
        let (probabilities, labels) = Self.softmaxRows(count: 4000, seed: 9)
        var generator = SplitMix64(seed: 1)
        let exact = try DataScore.l1.scores(probabilities: probabilities, classes: 10, labels: labels, generator: &generator)
        let hefs = try DataScore.hefs.scores(probabilities: probabilities, classes: 10, labels: labels, generator: &generator)
        let fast = try DataScore.hefsFast.scores(probabilities: probabilities, classes: 10, labels: labels, generator: &generator)
        var worst = 0.0, worstFast = 0.0
        for i in exact.indices {
            worst = max(worst, abs(hefs[i] - exact[i]))
            worstFast = max(worstFast, abs(fast[i] - exact[i]))
        }
        #expect(worst <= 0.08, "max |hefs − ℓ1| = \(worst)")
        #expect(worst > 0)   // it is an approximation
        #expect(worstFast <= 1e-12, "max |hefs-fast − ℓ1| = \(worstFast)")
        #expect(exact.allSatisfy { (0...2).contains($0) })
        // Keeping 10 % by hefs vs by ℓ1: every disagreement is a near-tie.
        let selector = try KeepMaskSelector(keptFraction: 0.1)
        let byExact = Set(try selector.keptIndices(scores: exact)), byHEFS = Set(try selector.keptIndices(scores: hefs))
        let threshold = byExact.map { exact[$0] }.min() ?? 0
        let deficit = byHEFS.subtracting(byExact).map { threshold - exact[$0] }.max() ?? 0
        #expect(deficit <= 0.06, "a sample kept by hefs scores \(deficit) below the exact k-th score")
        let overlap = Double(byExact.intersection(byHEFS).count) / Double(byExact.count)
        #expect(overlap >= 0.75, "overlap \(overlap)")
    }

    @Test("single-sample scores, softmax, and the score names")
    func singleSample() throws {
        let p: [Double] = [0.7, 0.2, 0.1]
        #expect(abs(try DataScore.l1(probabilities: p[...], label: 0) - 0.6) < 1e-12)
        #expect(abs(try DataScore.l1(probabilities: p[...], label: 2) - 1.8) < 1e-12)
        #expect(abs(try DataScore.hefsFast(probabilities: p[...], label: 2) - 1.8) < 1e-12)
        #expect(abs(try DataScore.hefs(probabilities: p[...], label: 2) - 1.8) < 0.03)
        // A slice that does not start at 0 addresses its own classes.
        let rows: [Double] = [0.5, 0.5, 0.9, 0.1]
        #expect(abs(try DataScore.l1(probabilities: rows[2...], label: 0) - 0.2) < 1e-12)
        #expect(throws: TrainingError.labelOutOfRange(index: 0, label: 3, classes: 3)) {
            try DataScore.l1(probabilities: p[...], label: 3)
        }
        let s = DataScore.softmax([1000, 1000, -1000][...])
        #expect(abs(s[0] - 0.5) < 1e-12 && s[2] == 0)
        #expect(try DataScore(parsing: "hefs-fast") == .hefsFast)
        #expect(DataScore.allCases.map(\.rawValue) == ["l1", "hefs", "hefs-fast", "random"])
        #expect(throws: TrainingError.self) { try DataScore(parsing: "el2n") }
        var generator = SplitMix64(seed: 3)
        let random = try DataScore.random.scores(probabilities: [], classes: 0, labels: [0, 0, 0], generator: &generator)
        #expect(random.count == 3 && random.allSatisfy { (0..<1).contains($0) })
        #expect(throws: TrainingError.self) {
            try DataScore.l1.scores(probabilities: [0.5, 0.5], classes: 2, labels: [0, 1], generator: &generator)
        }
    }

    @Test("the composite sign polynomial: coefficients, depth, accuracy on [−1, 1], and its range guard")
    func signPolynomial() throws {
        let sign = CompositeSignPolynomial.heprune
        #expect(sign.f.count == 8 && sign.g.count == 16)
        #expect(sign.f.enumerated().allSatisfy { $0.offset % 2 == 1 || $0.element == 0 })
        #expect(sign.minimumDepth == 8)
        var worst = 0.0
        for step in 0...20_000 {
            let d = Double(step) / 10_000 - 1
            worst = max(worst, abs(try sign.absoluteValue(d) - abs(d)))
        }
        #expect(worst <= 0.0077, "max ||d| − d·g(f(d))| = \(worst)")
        #expect(try abs(sign.sign(0.5) - 1) < 0.007)
        #expect(try abs(sign.sign(-0.05) + 1) < 0.01)
        // Outside [−1, 1] the composite is wrong (g(f(1.02)) ≈ −0.91), so it is refused.
        #expect(CompositeSignPolynomial.evaluate(sign.g, at: CompositeSignPolynomial.evaluate(sign.f, at: 1.02)) < 0)
        for bad in [1.02, -1.0001, .nan, .infinity] {
            #expect(throws: TrainingError.self) { try sign.sign(bad) }
        }
        #expect(throws: TrainingError.polynomialInputOutOfRange(value: 1.02, range: -1...1)) {
            try sign.absoluteValue(1.02)
        }
        #expect(throws: TrainingError.self) { try DataScore.hefs(probabilities: [1.05, -0.05][...], label: 1) }
        #expect(TrainingError.polynomialInputOutOfRange(value: 1.02, range: -1...1).description.contains("hefs-fast"))
    }
}
