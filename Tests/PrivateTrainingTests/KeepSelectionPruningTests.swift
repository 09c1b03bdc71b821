import HepexcPrivateTraining
import Testing

/// Client-aided masking: exact k, the window, deterministic ties, a sort-based
/// oracle, and one-line errors.
@Suite struct KeepSelectionPruningTests {
    /// The reference: sort by (score descending, id ascending), take the ranks.
    static func oracle(_ scores: [Double], samples: [Int], keep: Double, window: Double) throws -> [Int] {
        let selection = try KeepSelection(keptFraction: keep, window: window)
        let ranks = try selection.keptRanks(of: scores.count)
        let ranked = zip(scores, samples).sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        return ranked[ranks].map(\.1).sorted()
    }

    @Test func matchesTheSortOracleOnRandomInputs() throws {
        var stream = TrainingTestSupport.Stream(state: 99)
        for trial in 0..<200 {
            let n = 1 + trial * 7 % 301
            // Few distinct values, so ties are common.
            let scores = (0..<n).map { _ in (stream.next() * 4).rounded() / 2 }
            var samples = (0..<n).map { 1000 + 3 * $0 }
            for i in stride(from: n - 1, to: 0, by: -1) {
                samples.swapAt(i, Int((stream.next() + 1) / 2 * Double(i + 1)) % (i + 1))
            }
            let keep = [0.01, 0.1, 0.37, 0.5, 0.9, 1][trial % 6]
            let window = keep == 1 ? 0 : [0, 0.04, 0.05][trial % 3]
            let selection = try KeepSelection(keptFraction: keep, window: window)
            let kept = try selection.keptSamples(scores: scores, samples: samples)
            #expect(kept == (try Self.oracle(scores, samples: samples, keep: keep, window: window)))
            #expect(kept.count == selection.keptCount(of: n))
        }
    }

    @Test func countsFollowTheNote() throws {
        let selection = try KeepSelection(keptFraction: 0.7, window: 0.25)
        #expect(selection.keptCount(of: 10) == 7)       // 0.7·10 is 7.000000000000001: not 8
        #expect(selection.skippedCount(of: 10) == 2)    // round(2.5) = 2, ties to even (Python)
        #expect(try KeepSelection(keptFraction: 0.1, window: 0.35).skippedCount(of: 10) == 4)  // round(3.5) = 4
        #expect(try KeepSelection(keptFraction: 0.1).keptCount(of: 43_750) == 4375)
        #expect(try KeepSelection(keptFraction: 0.001).keptCount(of: 10) == 1)  // ⌈0.01⌉
    }

    @Test func tiesGoToTheLowerSampleIdAndTheWindowSkipsTheTop() throws {
        let equal = [Double](repeating: 0.5, count: 20)
        #expect(try KeepSelection(keptFraction: 0.25).mask(scores: equal) == (0..<20).map { $0 < 5 })
        #expect(try KeepSelection(keptFraction: 0.25, window: 0.1).keptSamples(scores: equal, samples: Array(0..<20))
                == [2, 3, 4, 5, 6])
        let scores = [0.1, 0.9, 0.3, 0.8, 0.5, 0.7]
        // Ranking 1, 3, 5, 4, 2, 0; window round(0.2·6) = 1 skips sample 1.
        #expect(try KeepSelection(keptFraction: 0.5, window: 0.2).keptSamples(scores: scores, samples: Array(0..<6))
                == [3, 4, 5])
    }

    @Test func badInputIsAOneLineError() throws {
        for p in [0, -0.1, 1.5, .nan] {
            #expect(throws: DataPruningError.self) { _ = try KeepSelection(keptFraction: p) }
        }
        #expect(throws: DataPruningError.invalidKeptFraction(0)) { _ = try KeepSelection(keptFraction: 0) }
        #expect(throws: DataPruningError.invalidWindow(1)) { _ = try KeepSelection(keptFraction: 0.1, window: 1) }
        #expect(throws: DataPruningError.windowTooLarge(window: 0.6, skipped: 6, kept: 5, samples: 10)) {
            _ = try KeepSelection(keptFraction: 0.5, window: 0.6).mask(scores: [Double](repeating: 1, count: 10))
        }
        let nan = #expect(throws: DataPruningError.self) {
            _ = try KeepSelection(keptFraction: 0.5).keptSamples(scores: [1, .nan], samples: [11, 12])
        }
        #expect(nan?.description == "score of sample 12 is nan")
        #expect(throws: DataPruningError.noSamples) { _ = try KeepSelection(keptFraction: 0.5).mask(scores: []) }
        let message = DataPruningError.windowTooLarge(window: 0.6, skipped: 6, kept: 5, samples: 10).description
        #expect(!message.contains("\n"))
    }

    @Test func keepMaskSizeIsOneBitPerSample() throws {
        let readout = ScoreReadout(samples: Array(0..<43_750), scores: (0..<43_750).map { Double($0 % 97) }, bytesReceived: 0)
        let mask = try ClientAidedMasking.keepMask(readout, selection: KeepSelection(keptFraction: 0.1))
        #expect(mask.keptSamples.count == 4375)
        #expect(mask.bytes == 5469)
    }
}


/// The class-balanced mask: exactly k kept, each class its share, the
/// highest scores within each class after its window.
@Suite struct BalancedKeepMaskTests {
    @Test func eachClassKeepsItsShareOfItsHardestSamples() throws {
        // 20 samples: class 0 has 10, class 1 has 6, class 2 has 4; scores rise with the id.
        let labels = (0..<20).map { $0 < 10 ? 0 : ($0 < 16 ? 1 : 2) }
        let readout = ScoreReadout(samples: Array(0..<20), scores: (0..<20).map(Double.init), bytesReceived: 0)
        let mask = try ClientAidedMasking.balancedKeepMask(readout, labels: labels, selection: KeepSelection(keptFraction: 0.5))
        // k = 10: quotas 5, 3, 2 — the highest ids of each class.
        #expect(mask.keptSamples == [5, 6, 7, 8, 9, 13, 14, 15, 18, 19])
        let windowed = try ClientAidedMasking.balancedKeepMask(readout, labels: labels,
                                                               selection: KeepSelection(keptFraction: 0.3, window: 0.2))
        // k = 6: quotas 3, 2, 1 (largest remainders); each class skips round(0.2·n_c) of its top.
        #expect(windowed.keptSamples.count == 6)
        #expect(windowed.keptSamples == [5, 6, 7, 13, 14, 18])
        // Every class is represented even when its scores are all lower.
        let skewed = ScoreReadout(samples: Array(0..<20), scores: labels.map { Double($0 == 0 ? 100 : 1) }, bytesReceived: 0)
        let all = try ClientAidedMasking.balancedKeepMask(skewed, labels: labels, selection: KeepSelection(keptFraction: 0.5))
        #expect(Set(all.keptSamples.map { labels[$0] }) == [0, 1, 2])
    }

    @Test func unknownSamplesAreRefused() {
        let readout = ScoreReadout(samples: [0, 7], scores: [1, 2], bytesReceived: 0)
        #expect(throws: DataPruningError.self) {
            _ = try ClientAidedMasking.balancedKeepMask(readout, labels: [0, 1], selection: KeepSelection(keptFraction: 0.5))
        }
    }
}
