import HepexcExecutor
import HepexcPlan
import HepexcPrivateTraining
import Testing

/// DiagABT and DiagATB on the simulated backend equal the plain matrix
/// products, and their operation counts equal the closed formulas.
@Suite struct DiagonalMatMulTests {
    // 3 classes (c = 4), 40 samples in blocks of 32 (A = 2), 10 features + bias in blocks of 8 (B = 2).
    let layout: HETALLayout
    let samples: [[Double]]
    let weights: [[Double]]

    init() throws {
        layout = try HETALLayout(slotCount: 256, featureCount: 10, classCount: 3, batchSize: 40)
        var stream = TrainingTestSupport.Stream(state: 7)
        samples = (0..<40).map { _ in (0..<10).map { _ in stream.next() } }
        weights = (0..<4).map { j in (0..<11).map { _ in j < 3 ? stream.next() : 0 } }
    }

    @Test func unitShapeFollowsHETAL() {
        #expect(layout.rows == 32 && layout.columns == 8)
        #expect(layout.rowBlocks == 2 && layout.columnBlocks == 2)
        #expect(layout.paddedClasses == 4 && layout.biasColumn == 10)
    }

    @Test func logitsEqualThePlainProduct() throws {
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 256), refreshMode: .none)
        let products = DiagonalMatMul(evaluator: evaluator, layout: layout)
        let x = try layout.packFeatures(samples).map { try $0.map { try evaluator.encrypt($0) } }
        let w = try layout.packWeights(weights).map { try evaluator.encrypt($0) }
        let before = evaluator.counts
        let (logits, _) = try products.logits(features: x, weights: w, scale: 0.5)
        #expect(evaluator.counts - before == layout.abtCounts)
        for (a, ct) in logits.enumerated() {
            let slots = try evaluator.decrypt(ct)
            for r in 0..<layout.rows {
                let sample = a * layout.rows + r
                guard sample < samples.count else { continue }
                let xr = layout.augmented(samples[sample])
                for t in 0..<layout.paddedClasses {
                    let j = layout.classIndex(row: r, column: t)
                    let expected = j < 3 ? 0.5 * zip(weights[j], xr).reduce(0) { $0 + $1.0 * $1.1 } : 0
                    #expect(abs(slots[r * layout.columns + t] - expected) < 1e-9)
                }
            }
        }
    }

    @Test func gradientEqualsThePlainProduct() throws {
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 256), refreshMode: .none)
        let products = DiagonalMatMul(evaluator: evaluator, layout: layout)
        var stream = TrainingTestSupport.Stream(state: 11)
        // D (40 × 3) packed per class column; the broadcast needs D and X at one level.
        let d = (0..<40).map { _ in (0..<3).map { _ in stream.next() } }
        let columns = try (0..<layout.rowBlocks).map { a in
            try (0..<layout.paddedClasses).map { t in
                var slots = [Double](repeating: 0, count: layout.slotCount)
                for r in 0..<layout.rows where a * layout.rows + r < 40 {
                    let j = layout.classIndex(row: r, column: t)
                    if j < 3 { slots[r * layout.columns + t] = d[a * layout.rows + r][j] }
                }
                return try evaluator.encrypt(slots)
            }
        }
        let x = try layout.packFeatures(samples).map { try $0.map { try evaluator.encrypt($0) } }
        let before = evaluator.counts
        let gradient = try products.gradient(columns: columns, features: x)
        #expect(evaluator.counts - before == layout.atbCounts)
        let blocks = try gradient.map { try evaluator.decrypt($0) }
        // Every row r of the block holds class r mod c.
        for r in 0..<layout.rows {
            let j = r % layout.paddedClasses
            for column in 0..<layout.columnCount {
                let expected = j < 3 ? (0..<40).reduce(0) { $0 + d[$1][j] * layout.augmented(samples[$1])[column] } : 0
                let actual = blocks[column / layout.columns][r * layout.columns + column % layout.columns]
                #expect(abs(actual - expected) < 1e-9)
            }
        }
    }

    @Test func hetalTable7ReproducesTheResearchNote() {
        // HEPrune's setting (a = 128, b = 769, c = 16, s = (128, 256)).
        #expect(HETALTable7.abt(a: 1, b: 4, c: 16, s1: 256) == .init(cMult: 16, mult: 32, rot: 160))
        #expect(HETALTable7.atb(a: 1, b: 4, c: 16, s0: 128) == .init(cMult: 40, mult: 32, rot: 240))
    }

    @Test(arguments: [(8192, 64, 10, 128), (8192, 769, 16, 128), (16384, 64, 10, 256), (2048, 30, 3, 64)])
    func ourCountsRelateToTable7(_ slots: Int, _ features: Int, _ classes: Int, _ batch: Int) throws {
        let layout = try HETALLayout(slotCount: slots, featureCount: features, classCount: classes, batchSize: batch)
        let (a, b, c) = (layout.rowBlocks, layout.columnBlocks, layout.paddedClasses)
        let abt = HETALTable7.abt(a: a, b: b, c: c, s1: layout.columns)
        let atb = HETALTable7.atb(a: a, b: b, c: c, s0: layout.rows)
        // Real slots: one class diagonal per product where HETAL's complex slots hold two.
        #expect(layout.abtCounts.cipherMultiplies == 2 * abt.mult)
        #expect(layout.atbCounts.cipherMultiplies == 2 * atb.mult)
        // The row sums are HETAL's A·c·log2 s1 rotations exactly; the rest is
        // (c − 1) weight diagonals per column block and (c − 1) placements per row block.
        #expect(layout.abtCounts.rotations - (c - 1) * (a + b) == abt.rot - c / 2 * b)
        #expect(layout.abtCounts.maskMultiplies == abt.cMult * a)
    }
}
