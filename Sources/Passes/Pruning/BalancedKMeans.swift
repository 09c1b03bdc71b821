/// Balanced k-means over 0/1 "grouped" mask vectors (HE-PEx permutation).
///
/// Each point is one row (or column) of the weights that share a permutable
/// axis; bit k says "this point has a non-zero in tile group k" (groups
/// aligned with the tile boundaries of the other axis). Clusters become
/// consecutive tile blocks of exactly `size` members (the last one the
/// remainder), so a cluster's cost is the number of tiles it leaves non-zero:
/// the popcount of the OR of its members.
///
/// An iteration assigns every point to the cluster with the smallest
/// grouped distance — the non-zero groups the point would add to the
/// cluster (its groups not in the cluster's OR, without the point itself),
/// ties broken by the most shared non-zero groups (popcount of a AND the
/// cluster) and then by the non-zero *entries* it would add (the same
/// distance on the ungrouped masks, which separates points while the other
/// axis is still unordered) — then balances: points leave over-full clusters for their
/// nearest under-full one, cheapest moves first. The result is accepted only
/// while the total cost decreases.
struct BalancedKMeans {
    /// Points as bitsets, `words` UInt64 per point.
    let bits: [UInt64]
    let count: Int
    let words: Int
    /// The ungrouped masks, `fineWords` UInt64 per point.
    let fine: [UInt64]
    let fineWords: Int
    let size: Int

    init(bits: [UInt64], count: Int, words: Int, fine: [UInt64], fineWords: Int, size: Int) {
        self.bits = bits
        self.count = count
        self.words = words
        self.fine = fine
        self.fineWords = fineWords
        self.size = size
    }

    var clusterCount: Int { (count + size - 1) / size }

    func capacity(_ cluster: Int) -> Int {
        cluster == clusterCount - 1 ? count - size * (clusterCount - 1) : size
    }

    /// Σ over clusters of popcount(OR of members) for `assignment[point] =
    /// cluster`: grouped (the non-zero tiles), then ungrouped.
    func cost(_ assignment: [Int]) -> (tiles: Int, entries: Int) {
        (Self.unionCount(bits, words: words, assignment, clusters: clusterCount),
         Self.unionCount(fine, words: fineWords, assignment, clusters: clusterCount))
    }

    static func unionCount(_ bits: [UInt64], words: Int, _ assignment: [Int], clusters: Int) -> Int {
        var union = [UInt64](repeating: 0, count: clusters * words)
        for point in assignment.indices {
            let c = assignment[point]
            for w in 0..<words { union[c * words + w] |= bits[point * words + w] }
        }
        return union.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// Improves `initial` (point → cluster, balanced) for up to `iterations`.
    func run(initial: [Int], iterations: Int) -> [Int] {
        var assignment = initial
        var best = cost(assignment)
        for _ in 0..<iterations {
            let next = iterate(assignment)
            let nextCost = cost(next)
            guard nextCost < best else { break }  // lexicographic
            best = nextCost
            assignment = next
        }
        return assignment
    }

    /// Per cluster: the OR of its members, and the bits at least two members
    /// have (the OR without any one member, seen from that member).
    static func unions(_ bits: [UInt64], words: Int, _ assignment: [Int], clusters: Int) -> ([UInt64], [UInt64]) {
        var union = [UInt64](repeating: 0, count: clusters * words)
        var twice = [UInt64](repeating: 0, count: clusters * words)
        for point in assignment.indices {
            let c = assignment[point]
            for w in 0..<words {
                let b = bits[point * words + w]
                twice[c * words + w] |= union[c * words + w] & b
                union[c * words + w] |= b
            }
        }
        return (union, twice)
    }

    private func iterate(_ assignment: [Int]) -> [Int] {
        let k = clusterCount
        let (union, twice) = Self.unions(bits, words: words, assignment, clusters: k)
        let (fineUnion, fineTwice) = Self.unions(fine, words: fineWords, assignment, clusters: k)
        let groups = words * 64, entries = fineWords * 64
        // score = (new groups · (groups + 1) − shared groups) · (entries + 1) + new entries.
        var scores = [Int](repeating: 0, count: count * k)
        var choice = [Int](repeating: 0, count: count)
        var members = [Int](repeating: 0, count: k)
        bits.withUnsafeBufferPointer { b in
            fine.withUnsafeBufferPointer { f in
                for point in 0..<count {
                    let own = assignment[point]
                    var bestScore = Int.max, bestCluster = own
                    for c in 0..<k {
                        var added = 0, shared = 0, addedEntries = 0
                        for w in 0..<words {
                            let p = b[point * words + w]
                            // Without the point itself in its own cluster.
                            let other = c == own ? twice[c * words + w] : union[c * words + w]
                            added += (p & ~other).nonzeroBitCount
                            shared += (p & other).nonzeroBitCount
                        }
                        for w in 0..<fineWords {
                            let p = f[point * fineWords + w]
                            let other = c == own ? fineTwice[c * fineWords + w] : fineUnion[c * fineWords + w]
                            addedEntries += (p & ~other).nonzeroBitCount
                        }
                        let score = (added * (groups + 1) - shared) * (entries + 1) + addedEntries
                        scores[point * k + c] = score
                        if score < bestScore || (score == bestScore && c == own) { bestScore = score; bestCluster = c }
                    }
                    choice[point] = bestCluster
                    members[bestCluster] += 1
                }
            }
        }
        // Balancing: cheapest moves out of over-full clusters first.
        var free = (0..<k).map { capacity($0) - members[$0] }
        var candidates: [(regret: Int, point: Int)] = []
        for point in 0..<count where free[choice[point]] < 0 {
            var regret = Int.max
            for c in 0..<k where free[c] > 0 {
                regret = min(regret, scores[point * k + c] - scores[point * k + choice[point]])
            }
            candidates.append((regret, point))
        }
        candidates.sort { ($0.regret, $0.point) < ($1.regret, $1.point) }
        for (_, point) in candidates where free[choice[point]] < 0 {
            var target = -1, targetScore = Int.max
            for c in 0..<k where free[c] > 0 && scores[point * k + c] < targetScore {
                target = c
                targetScore = scores[point * k + c]
            }
            guard target >= 0 else { break }
            free[choice[point]] += 1
            free[target] -= 1
            choice[point] = target
        }
        return choice
    }

    /// The consecutive layout of an assignment: new position → point, clusters
    /// in order, members in ascending point order.
    static func order(_ assignment: [Int], clusters: Int) -> [Int] {
        var buckets = [[Int]](repeating: [], count: clusters)
        for (point, cluster) in assignment.enumerated() { buckets[cluster].append(point) }
        return buckets.flatMap { $0 }
    }
}
