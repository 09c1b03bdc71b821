import Foundation
import HepexcCKKS
import HepexcExecutor
import HepexcPrivateTraining
import Testing

/// Data and backends for the data-pruning tests.
enum PruningFixtures {
    /// Softmax of random logits at several temperatures with labels that are
    /// the argmax about 70 % of the time (confident right, confident wrong,
    /// and uncertain samples).
    static func predictions(samples: Int, classes: Int, seed: UInt64) -> (p: [[Double]], labels: [Int]) {
        var stream = TrainingTestSupport.Stream(state: seed)
        let temperatures = [0.3, 1, 3, 10]
        var p: [[Double]] = [], labels: [Int] = []
        for i in 0..<samples {
            let logits = (0..<classes).map { _ in 4 * stream.next() / temperatures[i % temperatures.count] }
            let top = logits.max() ?? 0
            let e = logits.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            let probabilities = e.map { $0 / total }
            let argmax = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
            let label = stream.next() < 0.4 ? argmax : Int((stream.next() + 1) / 2 * Double(classes)) % classes
            p.append(probabilities)
            labels.append(label)
        }
        return (p, labels)
    }

    /// Σ_k |P_k − Y_k|.
    static func exactScore(_ p: [Double], label: Int) -> Double {
        p.indices.reduce(0) { total, k in total + abs(k == label ? p[k] - 1 : p[k]) }
    }

    /// P in the diagonal row layout, duplicated into columns c..<2c as the
    /// encrypted softmax leaves it (HEFS must ignore columns ≥ c).
    static func packPredictions(_ p: [[Double]], layout: HETALLayout) -> [[Double]] {
        let blocks = (p.count + layout.rows - 1) / layout.rows, c = layout.paddedClasses
        return (0..<blocks).map { a in
            var slots = [Double](repeating: 0, count: layout.slotCount)
            for r in 0..<layout.rows where a * layout.rows + r < p.count {
                for t in 0..<(2 * c) {
                    let k = layout.classIndex(row: r, column: t)
                    if k < layout.classCount { slots[r * layout.columns + t] = p[a * layout.rows + r][k] }
                }
            }
            return slots
        }
    }

    /// Labels per row block (layout.packLabels of each block's slice).
    static func packLabels(_ labels: [Int], layout: HETALLayout) -> [[Double]] {
        stride(from: 0, to: labels.count, by: layout.rows).map { start in
            layout.packLabels(Array(labels[start..<min(start + layout.rows, labels.count)]))[0]
        }
    }

    static func blockSamples(_ n: Int, rows: Int) -> [[Int]] {
        stride(from: 0, to: n, by: rows).map { Array($0..<min($0 + rows, n)) }
    }

    /// INSECURE (tests only): N = 2^logN, `levels` 40-bit levels.
    static func insecure(logN: Int, levels: Int) throws -> CKKSParameters {
        try CKKSParameters(CKKSParameters.Literal(logN: logN, logQ: [60] + Array(repeating: 40, count: levels), logP: [60],
                                                  logScale: 40, insecure: true))
    }

    /// The real backend with the layout's keys plus `extraSteps`.
    static func ckks(_ parameters: CKKSParameters, layout: HETALLayout, extraSteps: [Int] = []) throws -> CKKSBackend {
        let context = CKKSContext(parameters: parameters, threads: 1)
        var generator = KeyGenerator(context: context)
        let relinearization = generator.relinearizationKey()
        let galois = generator.galoisKeys(steps: Array(Set(layout.rotationSteps + extraSteps)))
        let evaluator = try Evaluator(context: context, relinearizationKey: relinearization, galoisKeys: galois)
        let decryptor = try Decryptor(context: context, secretKey: generator.secretKey)
        return CKKSBackend(context: context, evaluator: evaluator, encryptionKey: .secretKey(generator.secretKey),
                           decryptor: decryptor)
    }

    /// Encrypts, scores, repacks and decrypts: the whole scoring round.
    static func scores<Base: HEBackend>(_ method: ScoringMethod, p: [[Double]], labels: [Int], layout: HETALLayout,
                                        evaluator: LeveledEvaluator<Base>,
                                        inputBound: Double = 1.01) throws -> (PackedScores<Base.Ciphertext>, ScoreReadout) {
        let pCts = try packPredictions(p, layout: layout).map { try evaluator.encrypt($0) }
        let yCts = try packLabels(labels, layout: layout).map { try evaluator.encrypt($0) }
        let scorer = try HEFSScorer(evaluator: evaluator, layout: layout, inputBound: inputBound)
        let blocks = try scorer.score(method, predictions: pCts, labels: yCts)
        let packed = try ScoreRepacker(evaluator: evaluator, layout: layout)
            .repack(blocks, samples: blockSamples(p.count, rows: layout.rows))
        return (packed, try ClientAidedMasking.readScores(packed, evaluator: evaluator))
    }

    /// |A ∩ B| / |A|.
    static func overlap(_ a: [Int], _ b: [Int]) -> Double {
        Double(Set(a).intersection(b).count) / Double(max(a.count, 1))
    }
}

@Suite struct HEFSPruningTests {
    @Test func compositeAbsoluteValueMeetsItsBoundOnTheGrid() {
        var worst = 0.0
        for i in 0...100_000 {
            let x = -1 + 2 * Double(i) / 100_000
            worst = max(worst, abs(CompositeSign.absolute(x) - abs(x)))
        }
        #expect(worst <= CompositeSign.absoluteError)
        #expect(CompositeSign.f.depth == 3 && CompositeSign.g.depth == 4 && CompositeSign.absoluteDepth == 8)
        #expect(abs(CompositeSign.sign(1.1)) > 1e6)
        #expect(CompositeSign.sign(1.02) < 0)
    }

    @Test(arguments: [CompositeSign.f, CompositeSign.g])
    func oddPolynomialOnCiphertextsEqualsFloatAtOptimalDepth(_ polynomial: OddPolynomial) throws {
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 64, levels: 8), refreshMode: .none)
        let xs = (0..<64).map { -1 + 2 * Double($0) / 63 }
        let y = try polynomial.evaluate(evaluator.encrypt(xs), evaluator: evaluator)
        #expect(evaluator.level(y) == evaluator.maxLevel - polynomial.depth)
        for (x, value) in zip(xs, try evaluator.decrypt(y)) { #expect(abs(value - polynomial(x)) < 1e-9) }
    }

    @Test func simulatedScoresAreWithinTheBoundAndRankLikeTheExactScore() throws {
        let (p, labels) = PruningFixtures.predictions(samples: 185, classes: 10, seed: 7)
        let layout = try HETALLayout(slotCount: 512, featureCount: 8, classCount: 10, batchSize: 16)
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 512, levels: 12), refreshMode: .none)
        let exact = zip(p, labels).map { PruningFixtures.exactScore($0, label: $1) }
        let (packed, hefs) = try PruningFixtures.scores(.hefs, p: p, labels: labels, layout: layout, evaluator: evaluator)
        #expect(packed.ciphertexts.count == 1)
        #expect(packed.ciphertexts.allSatisfy { evaluator.level($0) == 0 })
        #expect(hefs.bytesReceived == evaluator.ciphertextBytes(level: 0))
        // 12 row blocks into one ciphertext: 12 drops + masks, a tree of 11 rotations and additions.
        #expect(packed.counts.maskMultiplies == 12 && packed.counts.levelDrops == 12)
        #expect(packed.counts.rotations == 11 && packed.counts.additions == 11)
        #expect(hefs.samples == Array(0..<185))
        let worst = zip(hefs.scores, exact).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 0.08)
        let (_, fast) = try PruningFixtures.scores(.hefsFast, p: p, labels: labels, layout: layout, evaluator: evaluator)
        #expect(zip(fast.scores, exact).allSatisfy { abs($0 - $1) < 1e-3 })
        for fraction in [0.1, 0.3, 0.5] {
            let selection = try KeepSelection(keptFraction: fraction)
            let byExact = try selection.keptSamples(scores: exact, samples: hefs.samples)
            let byHEFS = try selection.keptSamples(scores: hefs.scores, samples: hefs.samples)
            let byFast = try selection.keptSamples(scores: fast.scores, samples: fast.samples)
            let threshold = byExact.map { exact[$0] }.min() ?? 0
            // Disagreements only among near-ties: 2 × the score error.
            #expect(byHEFS.allSatisfy { exact[$0] >= threshold - 2 * worst })
            #expect(PruningFixtures.overlap(byFast, byExact) == 1)
            print("HEFS top-\(byExact.count) (p = \(fraction)): overlap with exact \(PruningFixtures.overlap(byHEFS, byExact)), hefs-fast vs hefs \(PruningFixtures.overlap(byFast, byHEFS)), max error \(worst)")
        }
    }

    @Test func ckksScoresMatchTheExactScore() throws {
        // 7 classes (c = 8) fit the N = 2^8 test ring; 10 classes run simulated above.
        let (p, labels) = PruningFixtures.predictions(samples: 40, classes: 7, seed: 11)
        let layout = try HETALLayout(slotCount: 128, featureCount: 8, classCount: 7, batchSize: 16)
        let backend = try PruningFixtures.ckks(PruningFixtures.insecure(logN: 8, levels: 11), layout: layout)
        let evaluator = LeveledEvaluator(backend, refreshMode: .none)
        let exact = zip(p, labels).map { PruningFixtures.exactScore($0, label: $1) }
        let (packed, hefs) = try PruningFixtures.scores(.hefs, p: p, labels: labels, layout: layout, evaluator: evaluator)
        #expect(packed.ciphertexts.count == 1 && evaluator.level(packed.ciphertexts[0]) == 0)  // 5 blocks ≤ s1 = 16
        #expect(zip(hefs.scores, exact).allSatisfy { abs($0 - $1) < 0.08 })
        let (_, fast) = try PruningFixtures.scores(.hefsFast, p: p, labels: labels, layout: layout, evaluator: evaluator)
        #expect(zip(fast.scores, exact).allSatisfy { abs($0 - $1) < 1e-3 })
    }

    @Test func opCountsAndDepthPerRowBlock() throws {
        let (p, labels) = PruningFixtures.predictions(samples: 16, classes: 10, seed: 3)
        let layout = try HETALLayout(slotCount: 512, featureCount: 8, classCount: 10, batchSize: 16)
        for method in ScoringMethod.allCases {
            let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 512, levels: 12), refreshMode: .none)
            let pCt = try evaluator.encrypt(PruningFixtures.packPredictions(p, layout: layout)[0])
            let yCt = try evaluator.encrypt(PruningFixtures.packLabels(labels, layout: layout)[0])
            let scores = try HEFSScorer(evaluator: evaluator, layout: layout).score(method, predictions: [pCt], labels: [yCt])
            let counts = evaluator.counts
            #expect(evaluator.level(scores.ciphertexts[0]) == evaluator.maxLevel - HEFSScorer<SimulatedBackend>.depth(of: method))
            #expect(counts.rotations == 4)  // log2(16) class-sum steps
            #expect(counts.cipherMultiplies == (method == .hefs ? 16 : 1))
            print("\(method.rawValue) per row block: \(counts)")
        }
    }

    @Test func inputsOutsideTheSignDomainAreRefused() throws {
        #expect(throws: DataPruningError.invalidInputBound(0.9)) {
            _ = try HEFSScorer(evaluator: LeveledEvaluator(TrainingTestSupport.simulated(slots: 128), refreshMode: .none),
                               layout: HETALLayout(slotCount: 128, featureCount: 4, classCount: 3, batchSize: 16),
                               inputBound: 0.9)
        }
        let layout = try HETALLayout(slotCount: 128, featureCount: 4, classCount: 3, batchSize: 16)
        var (p, labels) = PruningFixtures.predictions(samples: 16, classes: 3, seed: 5)
        for overshoot in [1.1, 1.5] {
            p[6] = [overshoot, 0, 0]
            labels[6] = 1  // |P₀ − Y₀| = overshoot > 1
            let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 128, levels: 12), refreshMode: .none)
            do {
                _ = try PruningFixtures.scores(.hefs, p: p, labels: labels, layout: layout, evaluator: evaluator, inputBound: 1)
                Issue.record("an out-of-range input was not detected")
            } catch DataPruningError.scoreOutOfRange(let sample, _, _) {
                #expect(sample == 6)
            } catch {
                // The polynomial's blow-up (≈1e11) outgrows the modulus on the
                // server first; the simulation reports it as CKKS would fail.
                #expect("\(error)".contains("overflow"), "\(error)")
            }
            // The same overshoot within a declared bound is scored correctly.
            let bounded = LeveledEvaluator(TrainingTestSupport.simulated(slots: 128, levels: 12), refreshMode: .none)
            let (_, readout) = try PruningFixtures.scores(.hefs, p: p, labels: labels, layout: layout, evaluator: bounded,
                                                          inputBound: 1.6)
            #expect(abs(readout.scores[6] - (overshoot + 1)) < 3 * 1.6 * CompositeSign.absoluteError)
        }
    }
}
