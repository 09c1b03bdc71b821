/// Pair-swap refinement of one permutable axis for a `prune-pack` threshold
/// (HE-PEx P4/P4E): after permutation, `prune-pack` drops every tile with
/// fewer than ⌈threshold · entries⌉ non-zeros. A tile then costs
///
///     0            when it is empty,
///     k            when it survives (k = its keep count ⌈threshold · entries⌉, at least 1),
///     C            when it holds 0 < C < k non-zeros (the weights prune-pack removes),
///
/// i.e. min(C, k) for C > 0: concave, so the cost falls when non-zeros
/// gather into dense tiles and the rest of the tiles empty out or keep only a
/// few. With threshold 0 (no prune-pack), k = 1 and the cost is the number
/// of non-zero tiles, the `permute` pass's plain objective.
///
/// Points are the axis's neurons with their non-zero counts per group (the
/// tile blocks of the other axes, as in ``BalancedKMeans``); clusters are
/// consecutive tile blocks of `size` members (the last one the remainder).
/// A pass visits every point and makes the exchange with a member of another
/// cluster that lowers the total cost the most, if any does; passes repeat
/// until none improves. Exchanges keep every cluster's size. The work is
/// bounded (``passBudget``, ``budget``): large axes look at fewer candidate
/// clusters per point and run fewer passes.
struct PackAwareSwaps: TileSizedClusters {
    /// Non-zero counts, `groups` per point.
    let counts: [Int32]
    let count: Int
    let groups: Int
    /// Entries of a tile along the other axis, per group.
    let extents: [Int]
    let size: Int
    let threshold: Double
    /// At most this many candidate clusters per point in a pass.
    static let maxCandidates = 64
    /// Group comparisons (point pairs × groups) one pass may make: it looks
    /// at as many candidate clusters per point as fit (at least one).
    let passBudget: Int
    /// Group comparisons of a whole ``refine(_:passes:)``: fewer passes when
    /// one pass is large.
    let budget: Int

    init(counts: [Int32], count: Int, groups: Int, extents: [Int], size: Int, threshold: Double,
         passBudget: Int = 100_000_000, budget: Int = 200_000_000) {
        self.counts = counts
        self.count = count
        self.groups = groups
        self.extents = extents
        self.size = size
        self.threshold = threshold
        self.passBudget = passBudget
        self.budget = budget
    }


    /// The smallest non-zero count with which a tile of `entries` entries
    /// survives `prune-pack` (its rule: prune when count < threshold · entries).
    static func keepCount(threshold: Double, entries: Int) -> Int {
        let bound = threshold * Double(entries)
        var k = Int(bound.rounded(.down))
        if Double(k) < bound { k += 1 }
        return max(k, 1)
    }

    /// Keep counts per cluster and group, row-major.
    private func keepCounts() -> [Int32] {
        var keep = [Int32](repeating: 1, count: clusterCount * groups)
        for c in 0..<clusterCount {
            for g in 0..<groups {
                keep[c * groups + g] = Int32(Self.keepCount(threshold: threshold, entries: capacity(c) * extents[g]))
            }
        }
        return keep
    }

    @inline(__always) static func tileCost(_ total: Int32, keep: Int32) -> Int32 {
        total >= keep ? keep : total
    }

    /// Per cluster and group: the summed counts of its members.
    private func totals(_ assignment: [Int]) -> [Int32] {
        var totals = [Int32](repeating: 0, count: clusterCount * groups)
        for point in 0..<count {
            let c = assignment[point]
            for g in 0..<groups { totals[c * groups + g] += counts[point * groups + g] }
        }
        return totals
    }

    /// The total tile cost of `assignment` (point → cluster, balanced).
    func cost(_ assignment: [Int]) -> Int {
        let totals = totals(assignment), keep = keepCounts()
        var sum = 0
        for index in totals.indices { sum += Int(Self.tileCost(totals[index], keep: keep[index])) }
        return sum
    }

    /// Clusters of `size` consecutive points after sorting them by their
    /// total count, densest first: dense neurons share tiles.
    func densityOrder() -> [Int] {
        let totals = (0..<count).map { point in (0..<groups).reduce(0) { $0 + Int(counts[point * groups + $1]) } }
        let sorted = (0..<count).sorted { totals[$0] != totals[$1] ? totals[$0] > totals[$1] : $0 < $1 }
        var assignment = [Int](repeating: 0, count: count)
        for (position, point) in sorted.enumerated() { assignment[point] = position / size }
        return assignment
    }

    /// Improves `initial` by exchanges for at most `passes` passes.
    func refine(_ initial: [Int], passes: Int) -> [Int] {
        let k = clusterCount
        guard k > 1 else { return initial }
        var assignment = initial
        var totals = totals(assignment)
        let keep = keepCounts()
        var members = [[Int]](repeating: [], count: k)
        for (point, c) in assignment.enumerated() { members[c].append(point) }
        let perCluster = max(1, count * size * groups)
        let window = min(k, Self.maxCandidates, max(1, passBudget / perCluster)), step = max(1, k / window)
        let passes = min(passes, max(1, budget / (perCluster * window)))
        var rotation = 0
        var scratchA = [Int32](repeating: 0, count: groups), scratchB = scratchA
        for _ in 0..<passes {
            var improved = false
            for p in 0..<count {
                let a = assignment[p]
                let pBase = p * groups, aBase = a * groups
                // Cluster a's totals without p, and a's cost.
                var baseA: Int32 = 0
                for g in 0..<groups {
                    scratchA[g] = totals[aBase + g] - counts[pBase + g]
                    baseA += Self.tileCost(totals[aBase + g], keep: keep[aBase + g])
                }
                var best: (q: Int, delta: Int32) = (-1, 0)
                // All clusters, or a window that shifts every pass so all pairs meet.
                for index in 0..<window {
                    let b = window == k ? index : (p + rotation + index * step) % k
                    guard b != a else { continue }
                    let bBase = b * groups
                    var baseB: Int32 = 0
                    for g in 0..<groups {
                        scratchB[g] = totals[bBase + g] + counts[pBase + g]
                        baseB += Self.tileCost(totals[bBase + g], keep: keep[bBase + g])
                    }
                    for q in members[b] {
                        let qBase = q * groups
                        var after: Int32 = 0
                        for g in 0..<groups {
                            let nq = counts[qBase + g]
                            after += Self.tileCost(scratchA[g] + nq, keep: keep[aBase + g])
                                + Self.tileCost(scratchB[g] - nq, keep: keep[bBase + g])
                        }
                        let delta = after - baseA - baseB
                        if delta < best.delta { best = (q, delta) }
                    }
                }
                let q = best.q
                guard q >= 0 else { continue }
                let b = assignment[q], bBase = b * groups, qBase = q * groups
                guard let pSlot = members[a].firstIndex(of: p), let qSlot = members[b].firstIndex(of: q) else { continue }
                for g in 0..<groups {
                    let difference = counts[qBase + g] - counts[pBase + g]
                    totals[aBase + g] += difference
                    totals[bBase + g] -= difference
                }
                assignment[p] = b
                assignment[q] = a
                members[a][pSlot] = q
                members[b][qSlot] = p
                improved = true
            }
            rotation += 1
            if !improved && (window == k || rotation > step) { break }
        }
        return assignment
    }
}
