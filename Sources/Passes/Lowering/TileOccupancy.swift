internal import Foundation
internal import HepexcIR
internal import HepexcPlan

/// Which blocks of each dense step's weight matrix hold a weight that is
/// non-zero as a `Float` (what ``PlanCompiler/pack(name:weight:bias:form:tile:isLast:)``
/// stores), for power-of-two block sizes; and the Type-D layers already
/// packed. Shared by every candidate tile shape of one lowered model:
/// `--tile auto` scores candidates from these tile counts (a plan skeleton,
/// ``PlanCompiler/estimate(_:)``) instead of packing every weight for each.
///
/// A grid for blocks of `rows` × `columns` weights is made once from the
/// one with half the rows (or columns) by OR-ing neighbours, down to the
/// weights themselves, so all 81 shapes of one layer cost about four scans
/// of its weights. Thread-safe.
final class TileOccupancy: @unchecked Sendable {
    private struct Key: Hashable {
        var step: Int
        var rows: Int
        var columns: Int
    }

    private struct DiagonalKey: Hashable {
        var step: Int
        var t2: Int
    }

    private var grids: [Key: [Bool]] = [:]
    private var lastLayers: [Key: FullyConnectedLayer] = [:]
    private var diagonals: [DiagonalKey: FullyConnectedLayer] = [:]
    private let lock = NSLock()

    /// For the dense step with index `step` and weight `[out, in]`: whether
    /// block (r, c) — weights `r·rows ..< (r+1)·rows` × `c·columns ..< (c+1)·columns`
    /// — holds a non-zero, row-major over ⌈out/rows⌉ × ⌈in/columns⌉ blocks.
    /// `rows` and `columns` are powers of two.
    func blocks(step: Int, weight: Tensor, rows: Int, columns: Int) -> [Bool] {
        lock.lock()
        defer { lock.unlock() }
        return grid(step: step, weight: weight, rows: rows, columns: columns)
    }

    /// The Type-D layer of dense step `step` under tile width `t2`, packed by `make` once.
    func diagonal(step: Int, t2: Int, _ make: () -> FullyConnectedLayer) -> FullyConnectedLayer {
        lock.lock()
        defer { lock.unlock() }
        let key = DiagonalKey(step: step, t2: t2)
        if let layer = diagonals[key] { return layer }
        let layer = make()
        diagonals[key] = layer
        return layer
    }

    /// The last dense layer (step `step`) that ``PlanCompiler/packLastDense``
    /// would give under a t1×t2 tile, as a skeleton, made by `make` once.
    /// `make` runs outside the lock (it reads the grids); two threads may
    /// both make the same layer, with the same result.
    func lastDense(step: Int, t1: Int, t2: Int, _ make: () -> FullyConnectedLayer) -> FullyConnectedLayer {
        let key = Key(step: step, rows: t1, columns: t2)
        lock.lock()
        let cached = lastLayers[key]
        lock.unlock()
        if let cached { return cached }
        let layer = make()
        lock.lock()
        lastLayers[key] = layer
        lock.unlock()
        return layer
    }

    /// Whether every weight of the dense step is non-zero (as a `Float`).
    func isDense(step: Int, weight: Tensor) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !grid(step: step, weight: weight, rows: 1, columns: 1).contains(false)
    }

    /// `blocks` without the lock (it recurses).
    private func grid(step: Int, weight: Tensor, rows: Int, columns: Int) -> [Bool] {
        let key = Key(step: step, rows: rows, columns: columns)
        if let grid = grids[key] { return grid }
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let result: [Bool]
        if rows == 1 && columns == 1 {
            result = weight.scalars.map { Float($0) != 0 }
        } else if rows > 1 {
            // Pairs of block rows of the grid with half the rows.
            let finer = grid(step: step, weight: weight, rows: rows / 2, columns: columns)
            let (finerRows, width) = ((outFeatures + rows / 2 - 1) / (rows / 2), (inFeatures + columns - 1) / columns)
            let coarseRows = (outFeatures + rows - 1) / rows
            var merged = [Bool](repeating: false, count: coarseRows * width)
            for r in 0..<coarseRows {
                let (top, bottom) = (2 * r * width, (2 * r + 1) * width)
                let hasBottom = 2 * r + 1 < finerRows
                for c in 0..<width { merged[r * width + c] = finer[top + c] || (hasBottom && finer[bottom + c]) }
            }
            result = merged
        } else {
            // Pairs of block columns of the grid with half the columns.
            let finer = grid(step: step, weight: weight, rows: rows, columns: columns / 2)
            let finerWidth = (inFeatures + columns / 2 - 1) / (columns / 2)
            let (height, width) = ((outFeatures + rows - 1) / rows, (inFeatures + columns - 1) / columns)
            var merged = [Bool](repeating: false, count: height * width)
            for r in 0..<height {
                let base = r * finerWidth
                for c in 0..<width {
                    merged[r * width + c] = finer[base + 2 * c] || (2 * c + 1 < finerWidth && finer[base + 2 * c + 1])
                }
            }
            result = merged
        }
        grids[key] = result
        return result
    }
}
