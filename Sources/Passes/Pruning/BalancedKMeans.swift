/// Balanced k-means over 0/1 "grouped" mask vectors (HE-PEx permutation).
///
/// Each point is one row (or column) of the weights that share a permutable
/// axis; bit k says "this point has a non-zero in tile group k" (groups
/// aligned with the tile boundaries of the other axis). Clusters become
/// consecutive tile blocks of exactly `size` members (the last one the
/// remainder), so a cluster's cost is the number of tiles it leaves non-zero:
/// the popcount of the OR of its members.
///
/// An iteration visits the points in order and finds for each the cluster
/// with the smallest grouped distance — the non-zero groups the point would add to the
/// cluster (its groups not in the cluster's OR, without the point itself),
/// ties broken by the most shared non-zero groups (popcount of a AND the
/// cluster) and then by the non-zero *entries* it would add (the same
/// distance on the ungrouped masks, which separates points while the other
/// axis is still unordered). Clusters are always full, so balancing is an
/// exchange: the point moves there in exchange for the member whose swap
/// lowers the two clusters' exact cost the most (none: it stays). The result
/// is accepted only while the total cost decreases.
struct BalancedKMeans: TileSizedClusters {
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

    /// One pass over the points in order. Each point goes to the cluster
    /// with the smallest distance; a full cluster takes it only in exchange
    /// for the member that fits the point's old cluster best, when the
    /// exchange lowers the two distances' sum (the balancing step: clusters
    /// always keep their size). Cluster unions are updated after every move.
    private func iterate(_ assignment: [Int]) -> [Int] {
        let k = clusterCount
        var state = ClusterState(kmeans: self, assignment: assignment)
        var choice = assignment
        for point in 0..<count {
            let own = choice[point]
            var best = own, bestScore = state.score(point, own, own: own)
            for c in 0..<k where c != own {
                let score = state.score(point, c, own: own)
                if score < bestScore { best = c; bestScore = score }
            }
            guard best != own else { continue }
            // The member of `best` whose exchange with `point` lowers the
            // two clusters' exact cost the most.
            let before = state.cost(state.members[own]) + state.cost(state.members[best])
            var partner = -1, partnerDelta = 0
            for member in state.members[best] {
                let a = state.members[own].map { $0 == point ? member : $0 }
                let b = state.members[best].map { $0 == member ? point : $0 }
                let delta = state.cost(a) + state.cost(b) - before
                if delta < partnerDelta { partner = member; partnerDelta = delta }
            }
            guard partner >= 0 else { continue }
            state.move(point, from: own, to: best)
            state.move(partner, from: best, to: own)
            choice[point] = best
            choice[partner] = own
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

/// Per-cluster bit counts and the derived unions (bits ≥ 1 member has) and
/// "twice" sets (bits ≥ 2 members have) of a ``BalancedKMeans`` assignment,
/// grouped and ungrouped, updated incrementally as points move.
struct ClusterState {
    let kmeans: BalancedKMeans
    var members: [[Int]]
    private var counts: [Int32], fineCounts: [Int32]
    private var union: [UInt64], twice: [UInt64], fineUnion: [UInt64], fineTwice: [UInt64]
    private let groups: Int, entries: Int

    init(kmeans: BalancedKMeans, assignment: [Int]) {
        self.kmeans = kmeans
        let k = kmeans.clusterCount
        groups = kmeans.words * 64
        entries = kmeans.fineWords * 64
        members = Array(repeating: [], count: k)
        counts = Array(repeating: 0, count: k * groups)
        fineCounts = Array(repeating: 0, count: k * entries)
        union = Array(repeating: 0, count: k * kmeans.words)
        twice = union
        fineUnion = Array(repeating: 0, count: k * kmeans.fineWords)
        fineTwice = fineUnion
        for (point, cluster) in assignment.enumerated() {
            members[cluster].append(point)
            update(point, cluster, by: 1)
        }
    }

    /// Distance of `point` to `cluster` when `point` currently sits in `own`:
    /// (new groups · (groups + 1) − shared groups) · (entries + 1) + new entries.
    func score(_ point: Int, _ cluster: Int, own: Int) -> Int {
        let words = kmeans.words, fineWords = kmeans.fineWords
        var added = 0, shared = 0, addedEntries = 0
        for w in 0..<words {
            let p = kmeans.bits[point * words + w]
            let other = cluster == own ? twice[cluster * words + w] : union[cluster * words + w]
            added += (p & ~other).nonzeroBitCount
            shared += (p & other).nonzeroBitCount
        }
        for w in 0..<fineWords {
            let p = kmeans.fine[point * fineWords + w]
            let other = cluster == own ? fineTwice[cluster * fineWords + w] : fineUnion[cluster * fineWords + w]
            addedEntries += (p & ~other).nonzeroBitCount
        }
        return (added * (groups + 1) - shared) * (entries + 1) + addedEntries
    }

    /// A set of points' cost: non-zero groups · (entries + 1) + non-zero entries.
    func cost(_ points: [Int]) -> Int {
        let words = kmeans.words, fineWords = kmeans.fineWords
        var tiles = 0, nonZero = 0
        for w in 0..<words {
            var union: UInt64 = 0
            for point in points { union |= kmeans.bits[point * words + w] }
            tiles += union.nonzeroBitCount
        }
        for w in 0..<fineWords {
            var union: UInt64 = 0
            for point in points { union |= kmeans.fine[point * fineWords + w] }
            nonZero += union.nonzeroBitCount
        }
        return tiles * (entries + 1) + nonZero
    }

    mutating func move(_ point: Int, from: Int, to: Int) {
        update(point, from, by: -1)
        members[from].removeAll { $0 == point }
        update(point, to, by: 1)
        members[to].append(point)
    }

    private mutating func update(_ point: Int, _ cluster: Int, by delta: Int32) {
        Self.update(kmeans.bits, words: kmeans.words, point, cluster, delta, &counts, &union, &twice)
        Self.update(kmeans.fine, words: kmeans.fineWords, point, cluster, delta, &fineCounts, &fineUnion, &fineTwice)
    }

    private static func update(_ bits: [UInt64], words: Int, _ point: Int, _ cluster: Int, _ delta: Int32,
                               _ counts: inout [Int32], _ union: inout [UInt64], _ twice: inout [UInt64]) {
        for w in 0..<words {
            var word = bits[point * words + w]
            while word != 0 {
                let bit = word.trailingZeroBitCount
                word &= word - 1
                let index = cluster * words * 64 + w * 64 + bit
                counts[index] += delta
                let flag: UInt64 = 1 << UInt64(bit)
                let slot = cluster * words + w
                if counts[index] >= 1 { union[slot] |= flag } else { union[slot] &= ~flag }
                if counts[index] >= 2 { twice[slot] |= flag } else { twice[slot] &= ~flag }
            }
        }
    }
}

/// `count` points in clusters of exactly `size` (one tile extent), the last
/// cluster holding the remainder: the balance both permutation searches keep.
protocol TileSizedClusters {
    var count: Int { get }
    var size: Int { get }
}

extension TileSizedClusters {
    var clusterCount: Int { (count + size - 1) / size }

    func capacity(_ cluster: Int) -> Int {
        cluster == clusterCount - 1 ? count - size * (clusterCount - 1) : size
    }
}
