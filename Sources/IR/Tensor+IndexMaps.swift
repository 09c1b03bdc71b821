/// Index maps for the layout operations the interpreter and the training
/// engine share: for every element of the result, the flat index of the
/// element it comes from. Computing the map once, with one odometer walk,
/// lets each caller gather values of its own scalar type.
public enum IndexMap {
    /// The result shape of NumPy broadcasting `a` with `b` and, for every
    /// result element, the flat index into each operand. The shapes must
    /// broadcast (callers checked them with ``ShapeInference``).
    public static func broadcast(_ a: [Int], _ b: [Int]) -> (shape: [Int], a: [Int], b: [Int]) {
        let rank = max(a.count, b.count)
        let aShape = Array(repeating: 1, count: rank - a.count) + a
        let bShape = Array(repeating: 1, count: rank - b.count) + b
        let shape = zip(aShape, bShape).map { max($0, $1) }
        // Stride 0 along broadcast axes.
        let aStrides = zip(Tensor.strides(of: aShape), aShape).map { $1 == 1 ? 0 : $0 }
        let bStrides = zip(Tensor.strides(of: bShape), bShape).map { $1 == 1 ? 0 : $0 }
        let offsets = walk(shape: shape, strides: [aStrides, bStrides])
        return (shape, offsets[0], offsets[1])
    }

    /// For `perm` applied to a tensor of `shape` (result axis i is source axis
    /// perm[i]): the result shape and each result element's source index.
    public static func transpose(_ shape: [Int], perm: [Int]) -> (shape: [Int], source: [Int]) {
        let sourceStrides = Tensor.strides(of: shape)
        let result = perm.map { shape[$0] }
        return (result, walk(shape: result, strides: [perm.map { sourceStrides[$0] }])[0])
    }

    /// For `permute` along `axis` (y[…, i, …] = x[…, perm[i], …]) of a
    /// tensor of `shape`: each result element's source index. Scattering
    /// with the same map (y[map[i]] = x[i]) is the inverse.
    public static func permute(_ shape: [Int], axis: Int, perm: [Int]) -> [Int] {
        let outer = shape[..<axis].reduce(1, *)
        let extent = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var source = [Int](repeating: 0, count: outer * extent * inner)
        for o in 0..<outer {
            for i in 0..<extent {
                let target = (o * extent + i) * inner, from = (o * extent + perm[i]) * inner
                for k in 0..<inner { source[target + k] = from + k }
            }
        }
        return source
    }

    /// Visits `shape` in row-major order and returns, per stride vector, the
    /// offset Σ index[axis]·stride[axis] of every element.
    static func walk(shape: [Int], strides: [[Int]]) -> [[Int]] {
        let count = shape.reduce(1, *)
        var offsets = strides.map { _ in [Int](repeating: 0, count: count) }
        var index = Array(repeating: 0, count: shape.count)
        var current = Array(repeating: 0, count: strides.count)
        for flat in 0..<count {
            for k in strides.indices { offsets[k][flat] = current[k] }
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                for k in strides.indices { current[k] += strides[k][axis] }
                if index[axis] < shape[axis] { break }
                for k in strides.indices { current[k] -= strides[k][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
        return offsets
    }
}
