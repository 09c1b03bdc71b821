/// A dense map y = W·x + b over batch-packed features (issue 17): every
/// feature is a ciphertext of its own holding that feature for `t3` samples
/// (the plan's tile is 1×1×t3, HElayers' `[C, H, W, batch]` tile dims with
/// one (c, h, w) position per ciphertext). A convolution, its padding,
/// stride, average pooling and the flatten before a dense layer are all
/// such a map with few terms per output, and each term is one
/// ciphertext × scalar multiply: no rotation, no weight plaintext to
/// encode, and the client's input is just the pixels (one ciphertext per
/// input position per `t3` images).
///
/// The weights are stored row by row (compressed sparse rows): output `o`
/// sums `weights[k]·x[columns[k]]` for `k` in `rowStarts[o]..<rowStarts[o + 1]`.
/// Zero weights are absent — they are the HE-PEx "tiles" of this packing
/// (one scalar each), so a pruned weight removes its products.
public struct PackedLayer: Sendable, Codable, Equatable {
    public var name: String
    public var inFeatures: Int
    public var outFeatures: Int
    /// `outFeatures + 1` offsets into `columns`/`weights`, from 0 to their count.
    public var rowStarts: [Int]
    /// The input feature of each term.
    public var columns: [Int]
    /// The weight of each term (non-zero).
    public var weights: [Float]
    /// `outFeatures` biases, or `nil`.
    public var bias: [Float]?

    public init(name: String, inFeatures: Int, outFeatures: Int, rowStarts: [Int], columns: [Int], weights: [Float],
                bias: [Float]?) {
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.rowStarts = rowStarts
        self.columns = columns
        self.weights = weights
        self.bias = bias
    }

    /// The non-zero entries of a row-major `[outFeatures, inFeatures]` matrix.
    public init(name: String, inFeatures: Int, outFeatures: Int, matrix: (Int, Int) -> Float, bias: [Float]?) {
        var rowStarts = [0]
        var columns: [Int] = []
        var weights: [Float] = []
        rowStarts.reserveCapacity(outFeatures + 1)
        for o in 0..<outFeatures {
            for n in 0..<inFeatures {
                let value = matrix(o, n)
                if value != 0 {
                    columns.append(n)
                    weights.append(value)
                }
            }
            rowStarts.append(columns.count)
        }
        self.init(name: name, inFeatures: inFeatures, outFeatures: outFeatures, rowStarts: rowStarts, columns: columns,
                  weights: weights, bias: bias)
    }

    /// The terms of output `output` (indices into `columns` and `weights`).
    public func terms(of output: Int) -> Range<Int> { rowStarts[output]..<rowStarts[output + 1] }

    /// Stored terms: one ciphertext × scalar multiply each (for ciphertext inputs).
    public var termCount: Int { weights.count }

    /// Levels consumed: one rescale after the products.
    public var depth: Int { 1 }
}
