/// Rows of one source row block that move into a destination with one
/// rotation (left by `shift`·s1 slots: source row b lands in row b − shift
/// mod s0) and one row mask.
public struct RowMove: Sendable, Equatable {
    /// Index of the source row block.
    public let source: Int
    /// Row shift in 0..<s0 (0: no rotation).
    public let shift: Int
    /// The source rows moved, ascending.
    public let rows: [Int]
}

/// How one merged row block is built.
public struct MergedBlockPlan: Sendable, Equatable {
    /// The source row block that is the destination.
    public let base: Int
    /// Its own rows that stay (the kept ones not moved away), ascending.
    public let baseRows: [Int]
    /// Whether the base holds other data (pruned or moved-away rows) that a
    /// row mask must clear first.
    public let clearsBase: Bool
    public let moves: [RowMove]
    /// Row r → the sample id it holds, nil for an empty row.
    public let rowSamples: [Int?]
}

/// The plaintext side of ciphertext-wise pruning (research note §4): from
/// each row block's sample ids and the public keep-mask, which rows move
/// where. Needs no ciphertexts, so the server plans (and tests check) it
/// alone.
///
/// Algorithm (HEPrune's `cwp.cpp` deque, with the note's fixes): sort the
/// row blocks with kept rows by kept count, densest first (ties by index);
/// while blocks remain, the front is the destination and the back the source:
/// a full front is final; otherwise kept rows of the back fill holes of the
/// front, **grouped by shift** — repeatedly the shift that maps the most
/// remaining source rows onto holes is chosen (shift 0 first on ties), and
/// all those rows move with one rotation and one mask; an emptied back is
/// dropped, a filled front is final, a lone last block is final. The output
/// has exactly ⌈kept/s0⌉ blocks: every block but the last is full.
public struct PruningPlan: Sendable, Equatable {
    public let blocks: [MergedBlockPlan]
    /// s0.
    public let rows: Int

    /// - Parameters:
    ///   - rowSamples: for every source row block, row r → sample id (nil for
    ///     padding rows); each block has exactly `rows` entries.
    ///   - kept: the kept sample ids.
    ///   - rows: s0.
    public init(rowSamples: [[Int?]], kept: Set<Int>, rows: Int) {
        self.rows = rows
        var remaining = rowSamples.map { block in block.indices.filter { r in block[r].map(kept.contains) ?? false } }
        let order = remaining.indices.filter { !remaining[$0].isEmpty }
            .sorted { remaining[$0].count != remaining[$1].count ? remaining[$0].count > remaining[$1].count : $0 < $1 }
        var head = 0, tail = order.count - 1
        var blocks: [MergedBlockPlan] = []
        var destination: Destination?
        while head <= tail {
            let front = order[head]
            var current = destination ?? Destination(base: front, samples: rowSamples[front], kept: remaining[front])
            if current.holeCount == 0 || head == tail {
                blocks.append(current.plan)
                destination = nil
                head += 1
                continue
            }
            let back = order[tail]
            remaining[back] = current.fill(from: back, rows: remaining[back], samples: rowSamples[back])
            if remaining[back].isEmpty { tail -= 1 }
            if current.holeCount == 0 {
                blocks.append(current.plan)
                destination = nil
                head += 1
            } else {
                destination = current
            }
        }
        self.blocks = blocks
    }

    /// Every (source, shift) group, i.e. every masked piece that moves.
    public var moves: [RowMove] { blocks.flatMap(\.moves) }

    /// Moves that need a rotation (shift ≠ 0).
    public var rotatedMoves: Int { moves.filter { $0.shift != 0 }.count }

    /// Rows that changed block.
    public var movedRows: Int { moves.reduce(0) { $0 + $1.rows.count } }

    /// Merged row index (block·s0 + row) → sample id, nil for empty rows.
    public var indexMap: [Int?] { blocks.flatMap(\.rowSamples) }

    /// A destination being filled.
    struct Destination {
        let base: Int
        let baseRows: [Int]
        let clearsBase: Bool
        var moves: [RowMove] = []
        var rowSamples: [Int?]

        init(base: Int, samples: [Int?], kept: [Int]) {
            self.base = base
            baseRows = kept
            clearsBase = samples.compactMap { $0 }.count > kept.count
            rowSamples = [Int?](repeating: nil, count: samples.count)
            for r in kept { rowSamples[r] = samples[r] }
        }

        var holeCount: Int { rowSamples.filter { $0 == nil }.count }

        var plan: MergedBlockPlan {
            MergedBlockPlan(base: base, baseRows: baseRows, clearsBase: clearsBase, moves: moves, rowSamples: rowSamples)
        }

        /// Moves as many of `rows` (source rows) as fit, grouped by shift;
        /// returns the rows left in the source.
        mutating func fill(from source: Int, rows sourceRows: [Int], samples: [Int?]) -> [Int] {
            let n = rowSamples.count
            var left = sourceRows
            while !left.isEmpty {
                let holes = rowSamples.indices.filter { rowSamples[$0] == nil }
                guard !holes.isEmpty else { break }
                var matches = [Int](repeating: 0, count: n)
                for b in left { for h in holes { matches[((b - h) % n + n) % n] += 1 } }
                var shift = 0
                for delta in 1..<max(n, 1) where matches[delta] > matches[shift] { shift = delta }
                var moved: [Int] = [], kept: [Int] = []
                for b in left {
                    let target = ((b - shift) % n + n) % n
                    if rowSamples[target] == nil, let sample = samples[b] {
                        rowSamples[target] = sample
                        moved.append(b)
                    } else {
                        kept.append(b)
                    }
                }
                guard !moved.isEmpty else { break }
                moves.append(RowMove(source: source, shift: shift, rows: moved))
                left = kept
            }
            return left
        }
    }
}
