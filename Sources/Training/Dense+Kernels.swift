extension DenseLayer {
    /// out[r, c] += bias[c] for a row-major `[rows, bias.count]` matrix.
    static func addBias(_ bias: [Float], to out: inout [Float], rows: Int) {
        let columns = bias.count
        bias.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                for row in 0..<rows {
                    let base = row * columns
                    for column in 0..<columns { o[base + column] += b[column] }
                }
            }
        }
    }

    /// sums[c] += Σ_r matrix[r, c].
    static func accumulateColumnSums(_ matrix: [Float], rows: Int, into sums: inout [Float]) {
        let columns = sums.count
        matrix.withUnsafeBufferPointer { m in
            sums.withUnsafeMutableBufferPointer { s in
                for row in 0..<rows {
                    let base = row * columns
                    for column in 0..<columns { s[column] += m[base + column] }
                }
            }
        }
    }
}
