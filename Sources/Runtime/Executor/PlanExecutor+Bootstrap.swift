public import HepexcPlan

extension PlanExecutor {
    /// A bootstrap step: every ciphertext tile refreshed (in parallel on the
    /// executor's workers); tiles known in the clear pass unchanged.
    func bootstrap(_ step: BootstrapStep, layerIndex: Int, _ tiles: [Tile]) throws -> [Tile] {
        // The values the compiler expects here: the previous layer's bound.
        let maxima = plan.bounds?.layerMaxima ?? []
        let bound = layerIndex > 0 && layerIndex - 1 < maxima.count ? maxima[layerIndex - 1] : 1
        return try parallelMap(tiles) { tile in
            switch tile {
            case .plain: return tile
            case .cipher(let ciphertext):
                let result = try self.backend.bootstrap(ciphertext, step, bound: bound)
                guard self.backend.level(of: result) == self.plan.levelAfterBootstrap else {
                    throw ExecutorError.input("bootstrap \(step.name) landed at level \(self.backend.level(of: result)), "
                        + "the plan expects \(self.plan.levelAfterBootstrap)")
                }
                return .cipher(result)
            }
        }
    }
}
