extension NumPyArray {
    /// Reorders values stored in column-major (Fortran) order into row-major
    /// order for the same `shape`.
    ///
    /// Walks the source linearly, keeping a per-axis counter (axis 0 moves
    /// fastest) and the matching row-major destination offset.
    /// - Parameters:
    ///   - columnMajor: `count` values in Fortran order.
    ///   - shape: The array's dimensions.
    /// - Returns: The same values in C order.
    static func rowMajor(fromColumnMajor columnMajor: [Double], shape: [Int]) -> [Double] {
        guard shape.count > 1, !columnMajor.isEmpty else { return columnMajor }
        var strides = Array(repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        var result = Array(repeating: 0.0, count: columnMajor.count)
        var counter = Array(repeating: 0, count: shape.count)
        var destination = 0
        for value in columnMajor {
            result[destination] = value
            var axis = 0
            while axis < shape.count {
                counter[axis] += 1
                destination += strides[axis]
                if counter[axis] < shape[axis] { break }
                destination -= strides[axis] * shape[axis]
                counter[axis] = 0
                axis += 1
            }
        }
        return result
    }

    /// The first NaN or ±Inf value, as (row-major multi-index, value).
    var firstNonFinite: (index: [Int], value: Double)? {
        guard dtype.isFloatingPoint else { return nil }
        guard let flat = scalars.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (NumPyArray.multiIndex(of: flat, in: shape), scalars[flat])
    }
}
