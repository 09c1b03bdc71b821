/// How a Type-D (diagonal) layer runs: the Halevi–Shoup method with baby and
/// giant steps, adapted to tiles.
///
/// The input x lies along t2 and is replicated over t1, so a rotation by
/// `s·t3` slots is a cyclic shift by s along t2 in every row. With width d
/// (the smallest power of two ≥ the outputs), diagonal r holds
/// `W[j mod d, (j + r) mod t2]` at position j, and
///
///     Z = Σ_{r<d} diag_r ⊙ rot_r(x),   y = Σ_{m < t2/d} rot_{m·d}(Z)
///
/// puts `y_o` at every position j ≡ o (mod d). The first sum is split as
/// r = g·B + b: `Σ_g rot_{g·B}(Σ_b rot_{−g·B}(diag_r) ⊙ rot_b(x))`, the B−1
/// baby rotations of x sharing one decomposition (hoisted), the giant
/// partial sums rescaled before their rotation (a rotation is cheaper one
/// level lower); the second sum takes log2(t2/d) rotations. All-zero
/// diagonals are not stored, and rotations only they would need are skipped.
///
/// A layer with more than t2 inputs reads ⌈n/t2⌉ input tiles x_c (features
/// c·t2 … c·t2 + t2 − 1, as for Type A): diagonal (c, r) holds
/// `W[j mod d, c·t2 + (j + r) mod t2]`, every input tile gets its own baby
/// rotations, and the giant steps, the replication and the rescales are
/// shared.
public struct DiagonalSchedule: Sendable, Equatable {
    /// d: diagonals, the period of the output along t2.
    public let width: Int
    public let babySteps: Int
    public let giantSteps: Int
    public let t2: Int

    public init(outFeatures: Int, t2: Int) {
        var width = 1
        while width < outFeatures { width <<= 1 }
        self.width = min(width, t2)
        self.t2 = t2
        // B ≥ G: baby rotations are hoisted, so cheaper than giant ones.
        let logWidth = TileShape.log2(self.width)
        babySteps = 1 << ((logWidth + 1) / 2)
        giantSteps = self.width / babySteps
    }

    /// Whether a dense layer fits the diagonal form under tile width t2:
    /// its outputs must fit one tile (its inputs may span several).
    public static func fits(inFeatures: Int, outFeatures: Int, t2: Int) -> Bool {
        inFeatures > 0 && outFeatures <= t2
    }

    /// Input tiles a layer of `inFeatures` inputs reads.
    public func inputTiles(inFeatures: Int) -> Int { (inFeatures + t2 - 1) / t2 }

    /// Diagonal r = g·B + b.
    public func diagonal(giant g: Int, baby b: Int) -> Int { g * babySteps + b }

    /// The baby steps b ≥ 1 some stored diagonal uses.
    public func babyRotations(stored: Set<Int>) -> [Int] {
        (1..<babySteps).filter { b in (0..<giantSteps).contains { stored.contains(diagonal(giant: $0, baby: b)) } }
    }

    /// The giant steps g with at least one stored diagonal (g = 0 needs no rotation).
    public func giantGroups(stored: Set<Int>) -> [Int] {
        (0..<giantSteps).filter { g in (0..<babySteps).contains { stored.contains(diagonal(giant: g, baby: $0)) } }
    }

    /// Rotate-and-add steps that replicate the result over the t2/d periods.
    public var replicationSteps: Int { TileShape.log2(t2 / width) }

    /// W[o, f] ([out, in], row-major) as the t2 values of diagonal r of
    /// input tile `inputTile`.
    public func diagonalValues(_ r: Int, inputTile: Int = 0, weight: (Int, Int) -> Float, outFeatures: Int,
                               inFeatures: Int) -> [Float] {
        (0..<t2).map { j in
            let (o, f) = (j % width, inputTile * t2 + (j + r) % t2)
            return o < outFeatures && f < inFeatures ? weight(o, f) : 0
        }
    }

    /// Left-rotation steps in slots (tile with `t3` samples): every input
    /// tile's baby steps, the giant steps, the replication.
    public func rotationSlots(storedByTile: [Set<Int>], t3: Int) -> [Int] {
        let babies = Set(storedByTile.flatMap { babyRotations(stored: $0) })
        let all = storedByTile.reduce(into: Set<Int>()) { $0.formUnion($1) }
        return babies.sorted().map { $0 * t3 }
            + giantGroups(stored: all).filter { $0 > 0 }.map { $0 * babySteps * t3 }
            + (0..<replicationSteps).map { (width << $0) * t3 }
    }
}

extension FullyConnectedLayer {
    /// The diagonal schedule of a Type-D layer.
    public func diagonalSchedule(t2: Int) -> DiagonalSchedule { DiagonalSchedule(outFeatures: outFeatures, t2: t2) }

    /// For each input tile of a Type-D layer, the indices of its stored diagonals.
    public var storedDiagonals: [Set<Int>] {
        var result = [Set<Int>](repeating: [], count: gridRows)
        for tile in tiles where tile.row < gridRows { result[tile.row].insert(tile.col) }
        return result
    }
}

extension FCForm {
    /// Input along t2, replicated over t1 (Types A and D).
    public var takesInputAlongT2: Bool { self != .typeB }
    /// Output along t2, replicated over t1 (Types B and D); Type A's runs along t1.
    public var givesOutputAlongT2: Bool { self != .typeA }
}
