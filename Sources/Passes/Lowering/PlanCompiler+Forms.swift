public import HepexcPlan

extension PlanCompiler {
    /// The plan form of each dense layer, given its (inputs, outputs).
    ///
    /// Types A and B alternate, starting with B for an even number of layers
    /// (a Type-A layer that is not last needs a mask level, so the last one
    /// should be A) unless `firstForm` says otherwise. Where Type A would
    /// come, a layer with at most t2 outputs becomes Type D (diagonal) when
    /// that needs no more rotations than Type A, or when it also has at most
    /// t2 inputs and is not last (D needs no mask level); the next layer
    /// then takes the input layout again. Where Type A would come for the
    /// last layer and it has more than t2 outputs, the row-diagonal form
    /// takes it when that needs fewer rotations (same depth, no mask; a wide
    /// decoder's reductions become shared baby steps and a few giant steps).
    /// `t2 == nil` or `diagonal == false` keeps A/B only;
    /// `firstForm` forces the first layer's form (D only if it fits).
    public static func chooseForms(_ shapes: [(inFeatures: Int, outFeatures: Int)], t1: Int, t2: Int?,
                                   firstForm: FCForm? = nil, diagonal: Bool = true) -> [FCForm] {
        var position: FCForm = firstForm == .typeB || (firstForm == nil && shapes.count % 2 == 0) ? .typeB : .typeA
        var forms: [FCForm] = []
        for (index, shape) in shapes.enumerated() {
            let isLast = index == shapes.count - 1
            let forced = index == 0 ? firstForm : nil
            if position == .typeA, let t2,
               DiagonalSchedule.fits(inFeatures: shape.inFeatures, outFeatures: shape.outFeatures, t2: t2),
               forced == .diagonal || (forced == nil && diagonal && ((!isLast && shape.inFeatures <= t2)
                   || diagonalRotations(inFeatures: shape.inFeatures, outFeatures: shape.outFeatures, t2: t2)
                   <= typeARotations(outFeatures: shape.outFeatures, t1: t1, t2: t2, isLast: isLast))) {
                forms.append(.diagonal)
                continue
            }
            if position == .typeA, isLast, forced == nil, diagonal, let t2, shape.outFeatures > t2 {
                let tile = TileShape(t1: t1, t2: t2, t3: 1)
                if FullyConnectedLayer.rowDiagonalRotations(inFeatures: shape.inFeatures, outFeatures: shape.outFeatures, tile: tile)
                    < typeARotations(outFeatures: shape.outFeatures, t1: t1, t2: t2, isLast: true) {
                    forms.append(.rowDiagonal)
                    continue
                }
            }
            forms.append(position)
            position = position == .typeA ? .typeB : .typeA
        }
        return forms
    }

    /// Rotations of a dense Type-D layer (no zero diagonals): baby steps
    /// for every input tile, shared giant steps and replication.
    static func diagonalRotations(inFeatures: Int, outFeatures: Int, t2: Int) -> Int {
        let schedule = DiagonalSchedule(outFeatures: outFeatures, t2: t2)
        return schedule.inputTiles(inFeatures: inFeatures) * (schedule.babySteps - 1) + schedule.giantSteps - 1
            + schedule.replicationSteps
    }

    /// Rotations of a dense Type-A layer (no zero tiles): the reduction of
    /// each output tile, and the duplication after the mask if not last.
    static func typeARotations(outFeatures: Int, t1: Int, t2: Int, isLast: Bool) -> Int {
        (outFeatures + t1 - 1) / t1 * TileShape.log2(t2) * (isLast ? 1 : 2)
    }
}
