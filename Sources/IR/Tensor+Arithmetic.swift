extension Tensor {
    /// The tensor with its axes permuted (`perm` must be a permutation of 0..<rank).
    public func transposed(_ perm: [Int]) -> Tensor {
        precondition(perm.sorted() == Array(0..<rank), "invalid permutation \(perm) for rank \(rank)")
        return Kernels.transpose(self, perm: perm)
    }

    /// Element-wise `combine` of two tensors with NumPy broadcasting, or `nil`
    /// if the shapes do not broadcast.
    public func broadcasting(_ other: Tensor, _ combine: (Double, Double) -> Double) -> Tensor? {
        let fail: (String) -> IRError = { .evaluation($0) }
        guard (try? ShapeInference.broadcast(shape.map { Optional($0) }, other.shape.map { Optional($0) }, fail)) != nil else {
            return nil
        }
        let element: ElementType = elementType == .f64 || other.elementType == .f64 ? .f64 : elementType
        return Kernels.broadcast(self, other, element: element, combine)
    }
}
