import HepexcCKKS
import HepexcExecutor
import HepexcPrivateTraining
import Testing

/// Ciphertext-wise pruning: the plan alone, then merges on the simulated and
/// the CKKS backend whose decryptions must hold exactly the kept rows.
@Suite struct CiphertextPruningTests {
    /// 122 samples of 20 features (21 columns with the bias: 3 column blocks
    /// of s1 = 8), 3 classes (c = 4), batches of 16 (s0 = 16): 8 row blocks.
    struct Problem {
        let layout: HETALLayout
        let features: [[Double]]
        let labels: [Int]
        let batchRanges: [Range<Int>]

        init(samples: Int = 122, seed: UInt64 = 17) throws {
            layout = try HETALLayout(slotCount: 128, featureCount: 20, classCount: 3, batchSize: 16)
            var stream = TrainingTestSupport.Stream(state: seed)
            features = (0..<samples).map { _ in (0..<20).map { _ in stream.next() } }
            labels = (0..<samples).map { _ in Int((stream.next() + 1) * 1.5) % 3 }
            batchRanges = stride(from: 0, to: samples, by: 16).map { $0..<min($0 + 16, samples) }
        }

        func encrypt<Base: HEBackend>(_ evaluator: LeveledEvaluator<Base>) throws -> [PrunableBatch<Base.Ciphertext>] {
            try batchRanges.map { range in
                PrunableBatch(features: try layout.packFeatures(Array(features[range])).map { try $0.map(evaluator.encrypt) },
                              labels: try layout.packLabels(Array(labels[range])).map(evaluator.encrypt),
                              samples: Array(range))
            }
        }

        func keep(_ fraction: Double, seed: UInt64) throws -> KeepMask {
            var stream = TrainingTestSupport.Stream(state: seed)
            let readout = ScoreReadout(samples: Array(features.indices), scores: features.map { _ in stream.next() },
                                       bytesReceived: 0)
            return try ClientAidedMasking.keepMask(readout, selection: KeepSelection(keptFraction: fraction))
        }

        /// Every merged row holds its sample's augmented features and its
        /// label in the diagonal layout *of its new row*; empty rows are 0.
        func check<Base: HEBackend>(_ merged: MergedSet<Base.Ciphertext>, kept: KeepMask,
                                    evaluator: LeveledEvaluator<Base>, tolerance: Double) throws {
            let s0 = layout.rows, s1 = layout.columns
            #expect(merged.blocks.count == (kept.keptSamples.count + s0 - 1) / s0)
            #expect(merged.indexMap.compactMap { $0 }.sorted() == kept.keptSamples)
            var worst = 0.0
            for block in merged.blocks {
                let features = try block.features.map { try evaluator.decrypt($0) }
                let labelSlots = try evaluator.decrypt(block.labels)
                for h in 0..<s0 {
                    let sample = block.rowSamples[h]
                    let row = sample.map { layout.augmented(self.features[$0]) }
                    for column in 0..<(layout.columnBlocks * s1) {
                        let expected = row.map { column < $0.count ? $0[column] : 0 } ?? 0
                        worst = max(worst, abs(features[column / s1][h * s1 + column % s1] - expected))
                    }
                    for t in 0..<s1 {
                        let expected: Double = sample.map { t < layout.paddedClasses
                            && layout.classIndex(row: h, column: t) == labels[$0] ? 1 : 0 } ?? 0
                        worst = max(worst, abs(labelSlots[h * s1 + t] - expected))
                    }
                }
            }
            #expect(worst < tolerance)
        }
    }

    @Test func planFillsEveryBlockButTheLastFromKeptRowsOnly() throws {
        var stream = TrainingTestSupport.Stream(state: 5)
        for trial in 0..<60 {
            let s0 = [4, 8, 16, 32][trial % 4], blocks = 1 + trial % 13
            var next = 0
            let rowSamples: [[Int?]] = (0..<blocks).map { b in
                let filled = b == blocks - 1 ? 1 + trial % s0 : s0
                return (0..<s0).map { r -> Int? in
                    guard r < filled else { return nil }
                    defer { next += 1 }
                    return next
                }
            }
            let fraction = [0.05, 0.3, 0.6, 1][trial % 4]
            let kept = Set((0..<next).filter { _ in stream.next() < 2 * fraction - 1 })
            let plan = PruningPlan(rowSamples: rowSamples, kept: kept, rows: s0)
            #expect(plan.blocks.count == (kept.count + s0 - 1) / s0)
            #expect(plan.blocks.dropLast().allSatisfy { $0.rowSamples.allSatisfy { $0 != nil } })
            #expect(plan.indexMap.compactMap { $0 }.sorted() == kept.sorted())
            for block in plan.blocks {
                var rebuilt = [Int?](repeating: nil, count: s0)
                for r in block.baseRows { rebuilt[r] = rowSamples[block.base][r] }
                for move in block.moves {
                    #expect(move.source != block.base && !move.rows.isEmpty)
                    for b in move.rows {
                        let h = ((b - move.shift) % s0 + s0) % s0
                        #expect(rebuilt[h] == nil)
                        rebuilt[h] = rowSamples[move.source][b]
                    }
                }
                #expect(rebuilt == block.rowSamples)
                let shifts = block.moves.map { [$0.source, $0.shift] }
                #expect(Set(shifts).count == shifts.count)  // one group per (source, shift)
            }
        }
    }

    @Test(arguments: PruningRotationKeys.allCases)
    func simulatedMergeHoldsExactlyTheKeptRows(_ keys: PruningRotationKeys) throws {
        let problem = try Problem()
        let layout = problem.layout
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 128, levels: 4), refreshMode: .none)
        let batches = try problem.encrypt(evaluator)
        let originals = try batches.map { try evaluator.decrypt($0.labels[0]) }
        for fraction in [0.1, 0.3, 0.75] {
            let kept = try problem.keep(fraction, seed: 23)
            let merged = try CiphertextPruner(evaluator: evaluator, layout: layout, keys: keys).merge(batches, keeping: kept)
            try problem.check(merged, kept: kept, evaluator: evaluator, tolerance: 1e-9)
            let report = merged.report, plan = merged.plan
            let perBlock = layout.columnBlocks + 1
            let turned = plan.moves.filter { $0.shift % layout.paddedClasses != 0 }.count
            let shiftRotations = plan.moves.reduce(0) { $0 + keys.rotations(forShift: $1.shift, layout: layout).count }
            #expect(report.rowBlocksBefore == 8 && report.ciphertextsBefore == 8 * perBlock)
            #expect(report.ciphertextsAfter == merged.blocks.count * perBlock)
            #expect(report.counts.rotations == shiftRotations * perBlock + 2 * turned)
            if keys == .direct {
                // One rotation per (source, shift) group and ciphertext, plus
                // the labels' class turn.
                #expect(report.counts.rotations <= report.rotatedGroups * perBlock + 2 * turned)
                #expect(report.keySteps.count == layout.rows - 1)
            } else {
                #expect(report.additionalKeys == 0)
            }
            print("CWP \(keys) keep \(fraction): \(kept.keptSamples.count) rows, blocks \(report.rowBlocksBefore)→\(report.rowBlocksAfter), groups \(report.groups) (rotated \(report.rotatedGroups)), moved \(report.movedRows), keys \(report.keySteps.count) (+\(report.additionalKeys)), \(report.counts)")
        }
        // The full encrypted set is untouched.
        #expect(try batches.map { try evaluator.decrypt($0.labels[0]) } == originals)
    }

    @Test func ckksMergeHoldsExactlyTheKeptRows() throws {
        let problem = try Problem(samples: 70, seed: 29)
        let layout = problem.layout
        let backend = try PruningFixtures.ckks(PruningFixtures.insecure(logN: 8, levels: 2), layout: layout,
                                               extraSteps: PruningRotationKeys.direct.steps(layout: layout))
        let evaluator = LeveledEvaluator(backend, refreshMode: .none)
        let kept = try problem.keep(0.3, seed: 31)
        let merged = try CiphertextPruner(evaluator: evaluator, layout: layout, keys: .direct)
            .merge(problem.encrypt(evaluator), keeping: kept)
        #expect(merged.report.mergedLevel == evaluator.maxLevel - 1)
        try problem.check(merged, kept: kept, evaluator: evaluator, tolerance: 1e-4)
    }

    @Test func inconsistentInputIsAOneLineError() throws {
        let problem = try Problem(samples: 20)
        let evaluator = LeveledEvaluator(TrainingTestSupport.simulated(slots: 128, levels: 2), refreshMode: .none)
        var batches = try problem.encrypt(evaluator)
        let pruner = CiphertextPruner(evaluator: evaluator, layout: problem.layout)
        #expect(throws: DataPruningError.unknownSample(99)) {
            _ = try pruner.merge(batches, keeping: KeepMask(keptSamples: [1, 99], sampleCount: 20))
        }
        batches[1].samples[0] = 3
        #expect(throws: DataPruningError.shapeMismatch("sample id 3 appears twice")) {
            _ = try pruner.merge(batches, keeping: KeepMask(keptSamples: [1], sampleCount: 20))
        }
    }
}
