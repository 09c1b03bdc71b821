import HepexcSelection
import Testing

/// The shared top-k rule: known answers, then the property that introselect
/// keeps exactly what a full sort would.
@Suite struct TopKSelectionTests {
    @Test func knownAnswers() throws {
        let rule = try TopKSelection(keptFraction: 0.4, window: 0.2)
        // Ranking: 9 (id 3), 7 (id 0), 7 (id 4, tie → lower id first), 5, 1: skip 1, keep 2.
        #expect(try rule.keptSamples(scores: [7, 5, 1, 9, 7], samples: [0, 1, 2, 3, 4]) == [0, 4])
        #expect(try rule.mask(scores: [7, 5, 1, 9, 7]) == [true, false, false, false, true])
        // 0.7 · 10 keeps 7 (not 8), round(0.25 · 10) = 2 (ties to even), round(0.35 · 10) = 4.
        #expect(try TopKSelection(keptFraction: 0.7).keptCount(of: 10) == 7)
        #expect(try TopKSelection(keptFraction: 0.1, window: 0.25).skippedCount(of: 10) == 2)
        #expect(try TopKSelection(keptFraction: 0.1, window: 0.35).skippedCount(of: 10) == 4)
    }

    @Test(arguments: [1, 2, 17, 100, 1000])
    func keepsWhatASortWouldKeep(samples: Int) throws {
        var state: UInt64 = 0x5E1E_C7 &+ UInt64(samples)
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 54)   // few distinct values: many ties
        }
        let scores = (0..<samples).map { _ in next() }
        for (p, w) in [(0.1, 0.0), (0.5, 0.04), (1.0, 0.0), (0.3, 0.5)] {
            let rule = try TopKSelection(keptFraction: p, window: w)
            let ranked = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            let ranks = try rule.keptRanks(of: samples)
            #expect(try rule.keptSamples(scores: scores, samples: Array(scores.indices)) == ranked[ranks].sorted())
        }
    }

    @Test func badInputIsAnError() {
        #expect(throws: SelectionError.invalidKeptFraction(0)) { _ = try TopKSelection(keptFraction: 0) }
        #expect(throws: SelectionError.self) { _ = try TopKSelection(keptFraction: .nan) }
        #expect(throws: SelectionError.invalidWindow(1)) { _ = try TopKSelection(keptFraction: 0.5, window: 1) }
        #expect(throws: SelectionError.noSamples) { _ = try TopKSelection(keptFraction: 0.5).keptRanks(of: 0) }
        #expect {
            _ = try TopKSelection(keptFraction: 0.5).mask(scores: [1, .nan])
        } throws: { error in
            guard case .invalidScore(sample: 1, value: let value)? = error as? SelectionError else { return false }
            return value.isNaN
        }
        #expect(throws: SelectionError.countMismatch(scores: 2, samples: 1)) {
            _ = try TopKSelection(keptFraction: 0.5).keptSamples(scores: [1, 2], samples: [0])
        }
        #expect(throws: SelectionError.self) { _ = try TopKSelection(keptFraction: 0.5, window: 0.6).keptRanks(of: 10) }
    }
}
