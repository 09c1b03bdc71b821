extension Conv2DLayer {
    /// Unfolds NCHW `x` into rows (b, oy, ox) × columns (c, ky, kx); padded
    /// positions are 0.
    static func im2col(_ x: [Float], batch: Int, _ g: Geometry) -> [Float] {
        var out = [Float](repeating: 0, count: batch * g.positions * g.patch)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { cols in
                forEachPatchEntry(batch: batch, g) { column, pixel in cols[column] = xs[pixel] }
            }
        }
        return out
    }

    /// Folds column gradients back onto the NCHW input (the adjoint of im2col).
    static func col2im(_ columns: [Float], batch: Int, _ g: Geometry) -> [Float] {
        var out = [Float](repeating: 0, count: batch * g.channels * g.height * g.width)
        columns.withUnsafeBufferPointer { cols in
            out.withUnsafeMutableBufferPointer { xs in
                forEachPatchEntry(batch: batch, g) { column, pixel in xs[pixel] += cols[column] }
            }
        }
        return out
    }

    /// Calls `body(column, pixel)` for every entry of the unfolded matrix
    /// that lies inside the image: its index in the `[B·P, C·kh·kw]` columns
    /// and the NCHW index of the input pixel it copies (padding is skipped).
    /// One walk for im2col and its adjoint, so the two cannot drift apart.
    @inline(__always)
    private static func forEachPatchEntry(batch: Int, _ g: Geometry, _ body: (Int, Int) -> Void) {
        for b in 0..<batch {
            for oy in 0..<g.outH {
                for ox in 0..<g.outW {
                    var column = ((b * g.outH + oy) * g.outW + ox) * g.patch
                    for c in 0..<g.channels {
                        let plane = (b * g.channels + c) * g.height * g.width
                        for ky in 0..<g.kernelH {
                            let iy = oy * g.strideH + ky - g.padTop
                            let rowInside = iy >= 0 && iy < g.height
                            for kx in 0..<g.kernelW {
                                let ix = ox * g.strideW + kx - g.padLeft
                                if rowInside && ix >= 0 && ix < g.width { body(column, plane + iy * g.width + ix) }
                                column += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// `[B·P, F]` → `[B, F, P]`, adding the bias.
    static func toNCHW(_ product: [Float], bias: [Float]?, batch: Int, _ g: Geometry) -> [Float] {
        let (positions, filters) = (g.positions, g.filters)
        var out = [Float](repeating: 0, count: batch * filters * positions)
        product.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for b in 0..<batch {
                    for f in 0..<filters {
                        let shift = bias?[f] ?? 0
                        let target = (b * filters + f) * positions
                        for position in 0..<positions {
                            o[target + position] = p[(b * positions + position) * filters + f] + shift
                        }
                    }
                }
            }
        }
        return out
    }

    /// `[B, F, P]` → `[B·P, F]`, and the per-filter sums (the bias gradient).
    static func fromNCHW(_ gradient: [Float], batch: Int, _ g: Geometry) -> (matrix: [Float], sums: [Float]) {
        let (positions, filters) = (g.positions, g.filters)
        var out = [Float](repeating: 0, count: batch * filters * positions)
        var sums = [Float](repeating: 0, count: filters)
        gradient.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                for b in 0..<batch {
                    for f in 0..<filters {
                        let source = (b * filters + f) * positions
                        var sum: Float = 0
                        for position in 0..<positions {
                            let value = d[source + position]
                            o[(b * positions + position) * filters + f] = value
                            sum += value
                        }
                        sums[f] += sum
                    }
                }
            }
        }
        return (out, sums)
    }
}
