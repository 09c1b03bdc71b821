internal import HepexcPlan

extension PlanExecutor {
    /// A polynomial layer tile by tile, each input tile freed once its
    /// output is made (``TileStore``).
    func polynomialLayer(_ schedule: PolynomialSchedule, _ tiles: consuming [Tile]) throws -> [Tile] {
        let count = tiles.count
        let store = TileStore(consume tiles, readers: [Int](repeating: 1, count: count))
        return try parallelMap(Array(0..<count)) { index in
            defer { store.finished(CollectionOfOne(index)) }
            guard let tile = store.read(index) else {
                throw ExecutorError.input("internal: polynomial input tile \(index) was released before its use")
            }
            return try self.polynomial(schedule, tile)
        }
    }

    /// Σ cᵢ·xⁱ on one tile with the minimal-depth schedule: powers by
    /// products (levels aligned by dropping), then each term brought to the
    /// common level and the default scale by one constant multiplication.
    func polynomial(_ schedule: PolynomialSchedule, _ tile: Tile) throws -> Tile {
        guard case .cipher(let x) = tile else {
            guard case .plain(let values) = tile else { return tile }
            return .plain(values.map { value in
                schedule.coefficients.reversed().reduce(0) { $0 * value + $1 }
            })
        }
        if schedule.terms.isEmpty {
            return .plain([Double](repeating: schedule.constantTerm, count: backend.slotCount))
        }
        var powers: [Int: Backend.Ciphertext] = [1: x]
        for product in schedule.products {
            guard var lhs = powers[product.lhs], var rhs = powers[product.rhs] else {
                throw ExecutorError.input("internal: polynomial power \(product.power) scheduled before its factors")
            }
            let (lhsLevel, rhsLevel) = (backend.level(of: lhs), backend.level(of: rhs))
            if lhsLevel > rhsLevel { lhs = try backend.dropLevel(lhs, to: rhsLevel) }
            if rhsLevel > lhsLevel { rhs = try backend.dropLevel(rhs, to: lhsLevel) }
            powers[product.power] = try backend.rescale(backend.multiply(lhs, rhs))
        }
        var result: Backend.Ciphertext
        if schedule.isMonicMonomial, let power = powers[schedule.terms[0]] {
            result = power
        } else {
            let deepest = schedule.terms.map { schedule.depths[$0] ?? 0 }.max() ?? 0
            let termLevel = backend.level(of: x) - deepest
            var sum: Backend.Ciphertext?
            for term in schedule.terms {
                guard var power = powers[term] else { throw ExecutorError.input("internal: missing power \(term)") }
                if backend.level(of: power) > termLevel { power = try backend.dropLevel(power, to: termLevel) }
                // Scale chosen so that after the rescale every term sits at the default scale.
                let constantScale = backend.defaultScale * backend.modulus(atLevel: termLevel) / backend.scale(of: power)
                let scaled = try backend.rescale(backend.multiply(power, constant: schedule.coefficients[term], scale: constantScale))
                sum = try sum.map { try backend.add($0, scaled) } ?? scaled
            }
            guard let sum else { throw ExecutorError.input("internal: empty polynomial") }
            result = sum
        }
        if schedule.constantTerm != 0 { result = try backend.add(result, constant: schedule.constantTerm) }
        return .cipher(result)
    }
}
