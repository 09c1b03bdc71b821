/// HETAL's row-major block packing (research note §1, "Packing"): a matrix is
/// cut into blocks of the unit shape (s0, s1), s0·s1 = slots, each block one
/// ciphertext laid out row by row (slot r·s1 + k holds row r, column k).
///
/// - Features X (batch × columns): A = ⌈batch/s0⌉ × B = ⌈columns/s1⌉ blocks.
/// - Weights W (c × columns, c = classes padded to a power of two) are tiled
///   vertically: row r of block b holds W[r mod c, b·s1 ..< (b+1)·s1].
/// - Logits, predictions and labels use the *diagonal* row layout: row r,
///   column t < c holds class (r + t) mod c of sample r, so that DiagABT's
///   t-th diagonal lands in column t with one rotation. Softmax is invariant
///   under this per-row permutation of the classes.
///
/// Deviation from HETAL: s0 = min(pow2(max(batch, c)), slots / (2c)), so that
/// s1 ≥ 2c and the class sum can run cyclically over a duplicated copy of the
/// c columns.
///
/// The bias is a feature column of constant 1: the first padding column if
/// the features do not fill their last block, else the first feature column
/// that is zero in every training sample (its weight becomes the bias), else
/// an appended column.
public struct HETALLayout: Sendable, Equatable, Codable {
    public let slotCount: Int
    /// Real classes.
    public let classCount: Int
    /// c: classes padded to a power of two (at least 2).
    public let paddedClasses: Int
    /// Real feature columns (without the bias column).
    public let featureCount: Int
    /// The column holding the constant 1.
    public let biasColumn: Int
    /// Feature columns including the bias column.
    public let columnCount: Int
    /// Samples per training step.
    public let batchSize: Int
    /// s0: rows per block.
    public let rows: Int
    /// s1: columns per block.
    public let columns: Int

    /// A = ⌈batch / s0⌉ row blocks per batch.
    public var rowBlocks: Int { (batchSize + rows - 1) / rows }
    /// B = ⌈columns / s1⌉ column blocks.
    public var columnBlocks: Int { (columnCount + columns - 1) / columns }
    /// Ciphertexts per batch of features.
    public var featureCiphertextsPerBatch: Int { rowBlocks * columnBlocks }

    /// - Parameters:
    ///   - zeroColumns: feature columns that are zero in every training
    ///     sample (candidates for the bias).
    /// - Throws: `PrivateTrainingError.classesDoNotFit` or `.emptyProblem`.
    public init(slotCount: Int, featureCount: Int, classCount: Int, batchSize: Int, zeroColumns: Set<Int> = []) throws {
        guard featureCount > 0, classCount >= 2, batchSize > 0 else {
            throw PrivateTrainingError.emptyProblem(samples: batchSize, features: featureCount, classes: classCount)
        }
        let c = Self.powerOfTwo(atLeast: classCount)
        guard slotCount >= 2 * c * c else { throw PrivateTrainingError.classesDoNotFit(paddedClasses: c, slots: slotCount) }
        let s0 = min(Self.powerOfTwo(atLeast: max(batchSize, c)), slotCount / (2 * c))
        let s1 = slotCount / s0
        self.slotCount = slotCount
        self.classCount = classCount
        self.paddedClasses = c
        self.featureCount = featureCount
        self.batchSize = batchSize
        self.rows = s0
        self.columns = s1
        if featureCount % s1 != 0 {
            biasColumn = featureCount
            columnCount = featureCount + 1
        } else if let zero = zeroColumns.filter({ $0 >= 0 && $0 < featureCount }).min() {
            biasColumn = zero
            columnCount = featureCount
        } else {
            biasColumn = featureCount
            columnCount = featureCount + 1
        }
    }

    static func powerOfTwo(atLeast n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }

    static func log2(_ n: Int) -> Int { n.trailingZeroBitCount }

    /// The class that row `row`, column `column` of the diagonal layout holds.
    public func classIndex(row: Int, column: Int) -> Int { (row + column) % paddedClasses }

    // MARK: Client-side packing

    /// One batch of features as `[rowBlock][columnBlock]` slot vectors; the
    /// bias column is set to 1 on real samples, empty rows stay zero.
    public func packFeatures(_ samples: [[Double]]) -> [[[Double]]] {
        (0..<rowBlocks).map { a in
            (0..<columnBlocks).map { b in
                var slots = [Double](repeating: 0, count: slotCount)
                for r in 0..<rows {
                    let sample = a * rows + r
                    guard sample < samples.count else { break }
                    for k in 0..<columns {
                        let column = b * columns + k
                        guard column < columnCount else { break }
                        slots[r * columns + k] = column == biasColumn ? 1 : (column < featureCount ? samples[sample][column] : 0)
                    }
                }
                return slots
            }
        }
    }

    /// One batch of labels as one-hot rows in the diagonal layout, one slot
    /// vector per row block.
    public func packLabels(_ labels: [Int]) -> [[Double]] {
        (0..<rowBlocks).map { a in
            var slots = [Double](repeating: 0, count: slotCount)
            for r in 0..<rows {
                let sample = a * rows + r
                guard sample < labels.count else { break }
                for t in 0..<paddedClasses where classIndex(row: r, column: t) == labels[sample] {
                    slots[r * columns + t] = 1
                }
            }
            return slots
        }
    }

    /// A c_pad × columnCount matrix as B row-tiled slot vectors.
    public func packWeights(_ matrix: [[Double]]) -> [[Double]] {
        (0..<columnBlocks).map { b in
            var slots = [Double](repeating: 0, count: slotCount)
            for r in 0..<rows {
                let row = matrix[r % paddedClasses]
                for k in 0..<columns {
                    let column = b * columns + k
                    if column < columnCount { slots[r * columns + k] = row[column] }
                }
            }
            return slots
        }
    }

    /// The inverse of `packWeights` (reads rows 0..<c of each block).
    public func unpackWeights(_ blocks: [[Double]]) -> [[Double]] {
        (0..<paddedClasses).map { j in
            (0..<columnCount).map { column in blocks[column / columns][j * columns + column % columns] }
        }
    }

    /// Splits a c_pad × columnCount matrix into the head: weights
    /// (classes × features; the bias column's weight moved out) and bias.
    public func head(from matrix: [[Double]]) -> (weights: [[Double]], bias: [Double]) {
        let weights = (0..<classCount).map { j in
            (0..<featureCount).map { f in f == biasColumn ? 0 : matrix[j][f] }
        }
        return (weights, (0..<classCount).map { matrix[$0][biasColumn] })
    }

    /// The matrix row of real features plus the bias 1, as the server sees it.
    public func augmented(_ sample: [Double]) -> [Double] {
        (0..<columnCount).map { column in column == biasColumn ? 1 : (column < featureCount ? sample[column] : 0) }
    }

    /// A plaintext vector with `value` in column `column` of every row whose
    /// class `(row + classColumn) mod c` is a real class, 0 elsewhere.
    public func columnMask(column: Int, classColumn: Int, value: Double) -> [Double] {
        var slots = [Double](repeating: 0, count: slotCount)
        for r in 0..<rows where classIndex(row: r, column: classColumn) < classCount {
            slots[r * columns + column] = value
        }
        return slots
    }

    /// `value` in columns 0..<2c of every row where the column's class is
    /// real (the duplicated class columns), 0 elsewhere.
    public func classMask(value: Double) -> [Double] {
        var slots = [Double](repeating: 0, count: slotCount)
        for r in 0..<rows {
            for t in 0..<(2 * paddedClasses) where classIndex(row: r, column: t) < classCount {
                slots[r * columns + t] = value
            }
        }
        return slots
    }

    /// 1 in columns 0..<`count` of every row, 0 elsewhere.
    public func columnRangeMask(upTo count: Int) -> [Double] {
        var slots = [Double](repeating: 0, count: slotCount)
        for r in 0..<rows {
            for k in 0..<min(count, columns) { slots[r * columns + k] = 1 }
        }
        return slots
    }

    // MARK: Rotations

    /// Every left-rotation step the encrypted step uses (the Galois keys the
    /// client generates).
    public var rotationSteps: [Int] {
        let c = paddedClasses, s1 = columns, s0 = rows, n = slotCount
        var steps = Set<Int>()
        for t in 1..<c {
            steps.insert(t * s1)                    // DiagABT: weight diagonals
            steps.insert(n - t)                     // DiagABT placement; DiagATB feature shift
            steps.insert((n - t * s1 + t) % n)      // DiagATB: realign rows
        }
        for i in 0..<Self.log2(s1) {
            steps.insert(1 << i)                    // row sums, class sums
            steps.insert(n - (1 << i))              // broadcast along a row
        }
        steps.insert(n - c)                         // duplicate the c class columns
        for i in 0..<Self.log2(2 * c) { steps.insert(n - (1 << i)) }
        var stride = c * s1
        while stride < s0 * s1 { steps.insert(stride); stride <<= 1 }  // DiagATB: sum rows ≡ mod c
        steps.remove(0)
        return steps.sorted()
    }
}
