/// What follows an A/B output tile's multiply-accumulate and rescale, in
/// order: the executor runs these on ciphertexts (and on cleartext tiles),
/// the cost analysis counts them, the rotation keys come from them.
public enum ReductionStep: Sendable, Equatable {
    /// x ← x + rotate(x, left by `steps` slots).
    case rotateAndAdd(Int)
    /// x ← rescale(x ⊙ mask), the mask being 1 where j = 0: clears the slots
    /// a Type-A reduction leaves unknown.
    case mask
}

extension FullyConnectedLayer {
    /// The reduction inside each output tile: rotate-and-add over dim 1
    /// (Type A; then, unless last, mask and duplicate with the opposite
    /// rotations) or dim 0 (Type B, whose full-width rotations already
    /// duplicate). Type D follows its ``DiagonalSchedule`` instead.
    public func reductionSteps(tile t: TileShape) -> [ReductionStep] {
        switch form {
        case .typeA:
            var steps = (0..<TileShape.log2(t.t2)).map { ReductionStep.rotateAndAdd(t.t3 << $0) }
            if !isLast {
                steps.append(.mask)
                steps += (0..<TileShape.log2(t.t2)).map { .rotateAndAdd(t.slotCount - (t.t3 << $0)) }
            }
            return steps
        case .typeB:
            return (0..<TileShape.log2(t.t1)).map { .rotateAndAdd((t.t2 * t.t3) << $0) }
        case .diagonal, .rowDiagonal:
            return []
        }
    }
}
