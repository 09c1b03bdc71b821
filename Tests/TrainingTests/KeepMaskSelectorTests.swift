import HepexcIR
@testable import HepexcTraining
import Testing

@Suite("Client-aided mask selection")
struct KeepMaskSelectorTests {
    /// The sort-based oracle: rank by (score descending, index ascending),
    /// skip round(w·n), keep the next ⌈p·n⌉; ascending indices.
    static func oracle(_ scores: [Double], _ selector: KeepMaskSelector) -> [Int] {
        let ranked = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let skipped = selector.skippedCount(of: scores.count), kept = selector.keptCount(of: scores.count)
        return ranked[skipped..<(skipped + kept)].sorted()
    }

    @Test("keeps exactly k = ⌈p·n⌉ samples, without rounding float noise up")
    func exactCount() throws {
        #expect(try KeepMaskSelector(keptFraction: 0.7).keptCount(of: 10) == 7)        // 0.7·10 = 7.000000000000001
        #expect(try KeepMaskSelector(keptFraction: 0.1).keptCount(of: 43750) == 4375)
        #expect(try KeepMaskSelector(keptFraction: 0.15).keptCount(of: 10) == 2)
        #expect(try KeepMaskSelector(keptFraction: 0.01).keptCount(of: 7) == 1)
        #expect(try KeepMaskSelector(keptFraction: 1).keptCount(of: 9) == 9)
        var generator = SplitMix64(seed: 4)
        for n in 1...60 {
            for p in [0.01, 0.1, 0.25, 1.0 / 3, 0.5, 0.9, 1] {
                let selector = try KeepMaskSelector(keptFraction: p)
                let scores = (0..<n).map { _ in Double(generator.next() % 5) }
                let mask = try selector.mask(scores: scores)
                #expect(mask.count == n)
                #expect(mask.filter { $0 }.count == selector.keptCount(of: n))
                #expect(selector.keptCount(of: n) >= Int((p * Double(n)).rounded(.down)))
            }
        }
    }

    @Test("the window skips the top round(w·n) (ties to even, as Python's round)")
    func windowOffset() throws {
        let scores = (0..<10).map { Double(10 - $0) }             // index 0 scores highest
        let selector = try KeepMaskSelector(keptFraction: 0.3, window: 0.2)
        #expect(try selector.keptRanks(of: 10) == 2..<5)
        #expect(try selector.keptIndices(scores: scores) == [2, 3, 4])
        #expect(try KeepMaskSelector(keptFraction: 0.3).keptIndices(scores: scores) == [0, 1, 2])
        #expect(try KeepMaskSelector(keptFraction: 0.1, window: 0.125).skippedCount(of: 20) == 2)   // 2.5 → 2
        #expect(try KeepMaskSelector(keptFraction: 0.1, window: 0.125).skippedCount(of: 12) == 2)   // 1.5 → 2
        #expect(try KeepMaskSelector(keptFraction: 0.04, window: 0.04).skippedCount(of: 52500) == 2100)
    }

    @Test("ties are broken by the lower sample index, independent of input order")
    func ties() throws {
        let selector = try KeepMaskSelector(keptFraction: 0.4)
        #expect(try selector.keptIndices(scores: [1, 2, 2, 2, 1]) == [1, 2])
        #expect(try selector.keptIndices(scores: Array(repeating: 0.5, count: 10)) == [0, 1, 2, 3])
        let windowed = try KeepMaskSelector(keptFraction: 0.2, window: 0.3)
        #expect(try windowed.keptIndices(scores: Array(repeating: -0.0, count: 10)) == [3, 4])
        // Many equal scores (the ~2.0 cluster of confident mistakes) with a large n.
        let big = (0..<20_000).map { $0 % 7 == 0 ? 2.0 : Double($0 % 13) / 13 }
        let chosen = try KeepMaskSelector(keptFraction: 0.1, window: 0.04).keptIndices(scores: big)
        #expect(chosen == Self.oracle(big, try KeepMaskSelector(keptFraction: 0.1, window: 0.04)))
    }

    @Test("agrees with a sort-based oracle on random inputs")
    func matchesOracle() throws {
        var generator = SplitMix64(seed: 11)
        func unit() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
        for trial in 0..<400 {
            let n = 1 + Int(generator.next() % 300)
            let coarse = trial % 3 == 0                               // many ties
            let scores = (0..<n).map { _ in coarse ? Double(generator.next() % 4) : unit() * 4 - 1 }
            let p = max(0.001, unit())
            let w = unit() * (1 - p) * 0.9
            let selector = try KeepMaskSelector(keptFraction: p, window: w)
            guard selector.skippedCount(of: n) + selector.keptCount(of: n) <= n else {
                #expect(throws: TrainingError.self) { try selector.mask(scores: scores) }
                continue
            }
            #expect(try selector.keptIndices(scores: scores) == Self.oracle(scores, selector), "trial \(trial), n \(n)")
        }
        // Presorted inputs (both directions) and infinities.
        for scores in [(0..<5000).map(Double.init), (0..<5000).map { -Double($0) },
                       [Double.infinity, 1, -Double.infinity, 1, 0, .infinity]] {
            let selector = try KeepMaskSelector(keptFraction: 0.3, window: 0.1)
            #expect(try selector.keptIndices(scores: scores) == Self.oracle(scores, selector))
        }
    }

    @Test("bad input: p outside (0, 1], w outside [0, 1), a window that leaves fewer than k, NaN scores")
    func errors() throws {
        for p in [0, -0.1, 1.5, .nan, .infinity] {
            #expect(throws: TrainingError.self) { try KeepMaskSelector(keptFraction: p) }
        }
        for w in [-0.01, 1, 2, .nan] {
            #expect(throws: TrainingError.self) { try KeepMaskSelector(keptFraction: 0.5, window: w) }
        }
        let selector = try KeepMaskSelector(keptFraction: 0.5, window: 0.6)
        let expected = TrainingError.windowTooLarge(window: 0.6, skipped: 6, kept: 5, samples: 10)
        #expect(throws: expected) { try selector.mask(scores: Array(repeating: 1, count: 10)) }
        #expect(throws: TrainingError.emptyData("there are no samples to select from")) {
            try KeepMaskSelector(keptFraction: 0.5).mask(scores: [])
        }
        do {
            _ = try KeepMaskSelector(keptFraction: 0.5).mask(scores: [1, 2, 3, .nan])
            Issue.record("a NaN score should be refused")
        } catch {
            guard case .invalidScore(let index, let value) = error else { Issue.record("\(error)"); return }
            #expect(index == 3 && value.isNaN)
        }
        for error in [expected, .invalidScore(index: 3, value: .nan), .invalidOption("x")] {
            #expect(!error.description.contains("\n"))
        }
        #expect(expected.description.contains("lower --window or --keep"))
    }
}
