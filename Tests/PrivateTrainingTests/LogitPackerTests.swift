import Foundation
import HepexcCKKS
import HepexcExecutor
import HepexcPrivateTraining
import Testing

/// `--score hefs-client`: the server packs encrypted logits, the client
/// scores them exactly.
@Suite struct LogitPackerTests {
    /// Random features and weights in the layout, packed into batches.
    static func fixture(samples: Int, features: Int, classes: Int, batch: Int, slots: Int,
                        seed: UInt64) throws -> (HETALLayout, [[Double]], [[Double]], [Int]) {
        var stream = TrainingTestSupport.Stream(state: seed)
        let layout = try HETALLayout(slotCount: slots, featureCount: features, classCount: classes, batchSize: batch)
        let x = (0..<samples).map { _ in (0..<features).map { _ in stream.next() } }
        let w = (0..<layout.paddedClasses).map { k in
            (0..<layout.columnCount).map { _ in k < classes ? 1.5 * stream.next() : 0 }
        }
        let labels = (0..<samples).map { _ in Int((stream.next() + 1) / 2 * Double(classes)) % classes }
        return (layout, x, w, labels)
    }

    static func batches<Base: HEBackend>(_ x: [[Double]], layout: HETALLayout,
                                         evaluator: LeveledEvaluator<Base>) throws -> [PrunableBatch<Base.Ciphertext>] {
        try stride(from: 0, to: x.count, by: layout.batchSize).map { start in
            let ids = Array(start..<min(start + layout.batchSize, x.count))
            let blocks = layout.packFeatures(ids.map { x[$0] })
            let features = try blocks.map { row in try row.map { try evaluator.encrypt($0) } }
            return PrunableBatch(features: features, labels: [], samples: ids)
        }
    }

    static func logits(_ x: [Double], _ w: [[Double]], layout: HETALLayout, classes: Int) -> [Double] {
        let row = layout.augmented(x)
        return (0..<classes).map { k in zip(row, w[k]).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    func check<Base: HEBackend>(_ evaluator: LeveledEvaluator<Base>, layout: HETALLayout, x: [[Double]], w: [[Double]],
                                labels: [Int], classes: Int, tolerance: Double) throws -> PackedLogits<Base.Ciphertext> {
        let batches = try Self.batches(x, layout: layout, evaluator: evaluator)
        let weights = try layout.packWeights(w).map { try evaluator.encrypt($0) }
        let packed = try LogitPacker(evaluator: evaluator, layout: layout).pack(batches, weights: weights)
        #expect(packed.ciphertexts.allSatisfy { evaluator.level($0) == 0 })
        #expect(packed.entries.map(\.sample) == Array(0..<x.count))
        let plain = try packed.ciphertexts.map { try evaluator.decrypt($0) }
        var worst = 0.0
        for entry in packed.entries {
            let expected = Self.logits(x[entry.sample], w, layout: layout, classes: classes)
            for (k, slot) in entry.slots.enumerated() { worst = max(worst, abs(plain[entry.ciphertext][slot] - expected[k])) }
        }
        #expect(worst < tolerance, "max |logit − exact| = \(worst)")
        // The client's scores are the exact HEFS scores of those logits.
        let readout = try ClientAidedMasking.readLogits(packed, labels: labels, evaluator: evaluator)
        for (sample, score) in zip(readout.samples, readout.scores) {
            let z = Self.logits(x[sample], w, layout: layout, classes: classes)
            let e = z.map { Foundation.exp($0 - (z.max() ?? 0)) }
            let total = e.reduce(0, +)
            let exact = e.indices.reduce(0.0) { $0 + abs(e[$1] / total - ($1 == labels[sample] ? 1 : 0)) }
            #expect(abs(score - exact) < 100 * tolerance)
        }
        return packed
    }

    @Test(arguments: [(3, 6, 16), (10, 12, 16), (10, 40, 32), (2, 5, 8)])
    func simulatedLogitsEqualTheMatrixProduct(classes: Int, features: Int, batch: Int) throws {
        let (layout, x, w, labels) = try Self.fixture(samples: 3 * batch - 5, features: features, classes: classes,
                                                      batch: batch, slots: 512, seed: 11)
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 512, levels: 12), refreshMode: .none)
        let packed = try check(evaluator, layout: layout, x: x, w: w, labels: labels, classes: classes, tolerance: 1e-9)
        // Combining the c diagonals: 2(c − 1) + log₂(s1/c) rotations per row block, not c·(log₂ s1 + 1).
        let c = layout.paddedClasses, q = layout.columns / c
        let blocks = 3 * layout.rowBlocks
        let perBlock = 2 * (c - 1) + Int(log2(Double(q)))
        let packing = blocks - packed.ciphertexts.count
        #expect(packed.counts.rotations == blocks * perBlock + packing + layout.columnBlocks * (c - 1))
        #expect(packed.counts.cipherMultiplies == blocks * c * layout.columnBlocks)
        #expect(packed.ciphertexts.count == (blocks + q - 1) / q)
    }

    @Test func ckksLogitsMatchWithinNoise() throws {
        let (layout, x, w, labels) = try Self.fixture(samples: 40, features: 10, classes: 4, batch: 16, slots: 512, seed: 3)
        let parameters = try PruningFixtures.insecure(logN: 10, levels: 6)
        let evaluator = LeveledEvaluator(try PruningFixtures.ckks(parameters, layout: layout), refreshMode: .none)
        _ = try check(evaluator, layout: layout, x: x, w: w, labels: labels, classes: 4, tolerance: 1e-3)
    }

    @Test func aWrappedLogitIsAnErrorNotAScore() throws {
        let (layout, x, w, labels) = try Self.fixture(samples: 16, features: 6, classes: 3, batch: 16, slots: 512, seed: 5)
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 512, levels: 12), refreshMode: .none)
        let batches = try Self.batches(x, layout: layout, evaluator: evaluator)
        let weights = try layout.packWeights(w).map { try evaluator.encrypt($0) }
        var packed = try LogitPacker(evaluator: evaluator, layout: layout).pack(batches, weights: weights)
        let original = packed.ciphertexts[0]
        var slots = try evaluator.decrypt(original)
        slots[packed.entries[2].slots[1]] = 10 * packed.plausibleMagnitude
        packed.ciphertexts[0] = try evaluator.encrypt(slots)
        #expect {
            _ = try ClientAidedMasking.readLogits(packed, labels: labels, evaluator: evaluator)
        } throws: { error in
            guard case .logitOutOfRange(sample: 2, logit: _, bound: _)? = error as? DataPruningError else { return false }
            return true
        }
        packed.ciphertexts[0] = original
        let short = Array(labels.prefix(3))
        #expect(throws: DataPruningError.unknownSample(3)) {
            _ = try ClientAidedMasking.readLogits(packed, labels: short, evaluator: evaluator)
        }
    }
}
