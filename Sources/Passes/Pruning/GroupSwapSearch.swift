/// Exact local search over one grouped permutation axis (conv channels):
/// swaps two points' positions whenever that lowers the number of non-zero
/// tiles of the two layers around the axis.
///
/// A point is row p of the layer before and columns p·group ..< (p+1)·group
/// of the layer after. When a group is wider than a tile (a channel of H·W
/// features flattened into a dense layer) or a cluster spans several column
/// tiles, which tiles a group covers depends on its position, which the
/// clustering's OR-of-group cost cannot see; this search counts the tiles a
/// swap touches exactly. Bounded by `maximumWork` entry visits so wide axes
/// stay fast.
struct GroupSwapSearch {
    let before: PrunableLayer?
    let after: PrunableLayer?
    let group: Int
    private var beforeMask: [Bool]
    private var afterMask: [Bool]
    private let count: Int

    init(before: PrunableLayer?, after: PrunableLayer?, group: Int, beforeMask: [Bool], afterMask: [Bool]) {
        self.before = before
        self.after = after
        self.group = group
        self.beforeMask = beforeMask
        self.afterMask = afterMask
        count = before?.rows ?? (after.map { $0.columns / group } ?? 0)
    }

    /// Swaps positions in passes over all pairs while some swap helps.
    /// - Returns: the new order, new position → current position.
    mutating func run(passes: Int = 4, maximumWork: Int = 50_000_000) -> [Int] {
        var order = Array(0..<count)
        var work = 0
        for _ in 0..<passes {
            var improved = false
            for i in 0..<count {
                for j in (i + 1)..<count where !unchanged(i, j) {
                    let cost = localTiles(i, j, work: &work)
                    swap(i, j)
                    if localTiles(i, j, work: &work) < cost {
                        order.swapAt(i, j)
                        improved = true
                    } else {
                        swap(i, j)
                    }
                    if work > maximumWork { return order }
                }
            }
            if !improved { break }
        }
        return order
    }

    /// Column tiles of the layer after that position p's group touches.
    private func columnTiles(_ p: Int) -> ClosedRange<Int>? {
        guard let after else { return nil }
        return (p * group / after.columnBlock)...(((p + 1) * group - 1) / after.columnBlock)
    }

    /// True when swapping positions i and j cannot change any tile: the
    /// same row block before and the same column tiles after, each covered
    /// wholly (a tile is non-zero when any entry is, so order inside does
    /// not matter).
    private func unchanged(_ i: Int, _ j: Int) -> Bool {
        if let before, i / before.rowBlock != j / before.rowBlock { return false }
        guard after != nil else { return true }
        return columnTiles(i) == columnTiles(j)
    }

    /// Non-zero tiles in the row blocks of i and j (layer before) and in the
    /// column tiles their groups touch (layer after).
    private func localTiles(_ i: Int, _ j: Int, work: inout Int) -> Int {
        var total = 0
        if let before {
            let blocks = Set([i / before.rowBlock, j / before.rowBlock])
            for block in blocks {
                var seen = [Bool](repeating: false, count: before.gridColumns)
                for r in (block * before.rowBlock)..<min(before.rows, (block + 1) * before.rowBlock) {
                    for c in 0..<before.columns where beforeMask[r * before.columns + c] { seen[c / before.columnBlock] = true }
                }
                work += before.rowBlock * before.columns
                total += seen.filter { $0 }.count
            }
        }
        if let after, let a = columnTiles(i), let b = columnTiles(j) {
            let tiles = Set(Array(a) + Array(b))
            for tile in tiles {
                var seen = [Bool](repeating: false, count: after.gridRows)
                let columns = (tile * after.columnBlock)..<min(after.columns, (tile + 1) * after.columnBlock)
                for r in 0..<after.rows {
                    for c in columns where afterMask[r * after.columns + c] {
                        seen[r / after.rowBlock] = true
                        break
                    }
                }
                work += after.rows * after.columnBlock
                total += seen.filter { $0 }.count
            }
        }
        return total
    }

    private mutating func swap(_ i: Int, _ j: Int) {
        if let before {
            for c in 0..<before.columns { beforeMask.swapAt(i * before.columns + c, j * before.columns + c) }
        }
        if let after {
            for r in 0..<after.rows {
                for k in 0..<group { afterMask.swapAt(r * after.columns + i * group + k, r * after.columns + j * group + k) }
            }
        }
    }
}
