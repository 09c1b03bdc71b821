public import HepexcPlan

/// Exact operation counts of `DiagonalMatMul`, and HETAL's corrected
/// Table 7 for comparison (research note §1).
///
/// With A row blocks, B column blocks, c padded classes and unit shape
/// (s0, s1); features already at the level of the other operand.
extension HETALLayout {
    /// DiagABT (`logits` without the mean): ct×ct A·B·c, relinearized and
    /// rescaled once per row block and diagonal (A·c inner products); masks A·c;
    /// rotations (c−1)·B (weight diagonals, hoisted) + A·c·log2 s1 (row sums)
    /// + A·(c−1) (placement).
    public var abtCounts: OpCounts {
        let a = rowBlocks, b = columnBlocks, c = paddedClasses, l1 = Self.log2(columns)
        var counts = OpCounts()
        counts.cipherMultiplies = a * b * c
        counts.maskMultiplies = a * c
        counts.rotations = (c - 1) * b + a * c * l1 + a * (c - 1)
        counts.rescales = a * c + a * c
        counts.additions = a * c * (b - 1) + a * c * l1 + a * (c - 1)
        return counts
    }

    /// DiagATB (`gradient`): ct×ct A·B·c; rotations A·c·log2 s1 (broadcast)
    /// + A·B·(c−1) (feature shifts, hoisted) + B·(c−1) (realignment)
    /// + B·log2(s0/c) (sum over rows c apart).
    public var atbCounts: OpCounts {
        let a = rowBlocks, b = columnBlocks, c = paddedClasses
        let l1 = Self.log2(columns), l0 = Self.log2(rows / paddedClasses)
        var counts = OpCounts()
        counts.cipherMultiplies = a * b * c
        counts.rotations = a * c * l1 + a * b * (c - 1) + b * (c - 1) + b * l0
        counts.rescales = a * b * c
        counts.additions = a * c * l1 + (a - 1) * b * c + b * (c - 1) + b * l0
        return counts
    }
}

/// HETAL's corrected Table 7 (complex packing; two class diagonals per
/// product). `A`, `B` are the block counts, `c` the padded classes.
public enum HETALTable7 {
    public struct Row: Sendable, Equatable {
        public var cMult: Int
        public var mult: Int
        public var rot: Int
        public init(cMult: Int, mult: Int, rot: Int) { self.cMult = cMult; self.mult = mult; self.rot = rot }
    }

    /// DiagABT: CMult c, Mult (c/2)·A·B, Rot (c/2)(B + 2A·log2 s1).
    public static func abt(a: Int, b: Int, c: Int, s1: Int) -> Row {
        Row(cMult: c, mult: c / 2 * a * b, rot: c / 2 * (b + 2 * a * HETALLayout.log2(s1)))
    }

    /// DiagATB; `levelAAtLeastB` selects the column of Table 7.
    public static func atb(a: Int, b: Int, c: Int, s0: Int, levelAAtLeastB: Bool = true) -> Row {
        let l0 = HETALLayout.log2(s0)
        if levelAAtLeastB {
            return Row(cMult: 1 + c / 2 * (a + b) - a, mult: c / 2 * a * b, rot: 2 + c / 2 * (2 * a + b * l0) - 2 * a)
        }
        return Row(cMult: 1 + c / 2 * (a * b + b) - a * b, mult: c / 2 * a * b,
                   rot: 2 + c / 2 * (a + a * b + b * l0) - a - a * b)
    }
}
