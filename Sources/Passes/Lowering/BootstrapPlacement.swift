/// Where to bootstrap in a chain of layers: the placement pass's dynamic
/// program over layer boundaries (docs/decisions.md, "Bootstrap placement").
///
/// Inputs start with `levels` levels and every bootstrap restores `levels`;
/// layer i consumes `depths[i]`; a bootstrap after layer i refreshes the
/// `live[i]` ciphertexts alive there (one batch tile) and costs that many
/// bootstraps. The program finds the placement with the fewest bootstrapped
/// ciphertexts, then the fewest bootstrap steps: O(layers × levels) states.
public struct BootstrapPlacement: Sendable, Equatable {
    /// Layer indices after which a bootstrap step runs, ascending.
    public var after: [Int]
    /// Ciphertexts bootstrapped per batch tile (Σ live[i] over `after`).
    public var ciphertexts: Int
    /// Levels a segment between bootstraps may consume.
    public var levels: Int

    public init(after: [Int], ciphertexts: Int, levels: Int) {
        self.after = after
        self.ciphertexts = ciphertexts
        self.levels = levels
    }

    /// The number of bootstrap steps (the estimate the compile report prints).
    public var count: Int { after.count }

    /// The cheapest placement, or `nil` when some layer alone consumes more
    /// than `levels` (no placement helps). Never bootstraps after the last
    /// layer (its outputs go to the client) or before the first (inputs are
    /// fresh).
    public static func place(depths: [Int], live: [Int], levels: Int) -> BootstrapPlacement? {
        let n = depths.count
        guard levels >= 0, live.count == n, depths.allSatisfy({ $0 >= 0 && $0 <= levels }) else { return nil }
        struct State { var cost: Int; var count: Int; var previous: Int; var bootstrapped: Bool }
        func better(_ a: State, than b: State?) -> Bool {
            guard let b else { return true }
            return (a.cost, a.count) < (b.cost, b.count)
        }
        // best[i][r]: layers 0..<i done with r levels left.
        var best = [[State?]](repeating: [State?](repeating: nil, count: levels + 1), count: n + 1)
        best[0][levels] = State(cost: 0, count: 0, previous: levels, bootstrapped: false)
        for i in 0..<n {
            for r in 0...levels {
                guard let state = best[i][r] else { continue }
                if depths[i] <= r {
                    let next = State(cost: state.cost, count: state.count, previous: r, bootstrapped: false)
                    if better(next, than: best[i + 1][r - depths[i]]) { best[i + 1][r - depths[i]] = next }
                }
                if i > 0 {
                    let next = State(cost: state.cost + live[i - 1], count: state.count + 1, previous: r, bootstrapped: true)
                    if better(next, than: best[i + 1][levels - depths[i]]) { best[i + 1][levels - depths[i]] = next }
                }
            }
        }
        var end: (r: Int, state: State)?
        for r in 0...levels {
            if let state = best[n][r], better(state, than: end?.state) { end = (r, state) }
        }
        guard let (lastLevels, final) = end else { return nil }
        var after: [Int] = []
        var r = lastLevels
        for i in stride(from: n, to: 0, by: -1) {
            guard let state = best[i][r] else { return nil }
            if state.bootstrapped { after.append(i - 2) }
            r = state.previous
        }
        return BootstrapPlacement(after: after.reversed(), ciphertexts: final.cost, levels: levels)
    }
}
