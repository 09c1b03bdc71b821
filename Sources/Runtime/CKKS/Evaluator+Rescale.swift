import HepexcModArith
import HepexcRing

extension Evaluator {
    /// Divides by the last prime q_ℓ with rounding: one level down, scale / q_ℓ.
    /// - Throws: `levelExhausted` at level 0.
    public func rescale(_ ct: Ciphertext) throws -> Ciphertext {
        let level = ct.level
        guard level > 0, let rescaler = context.rescalers[level] else {
            throw HEError.levelExhausted(operation: "rescale", level: level)
        }
        let n = context.parameters.degree
        let keepTables = Array(context.tables[0..<level])
        let dropTables = [context.tables[level]]
        var polys: [Poly<Eval>] = []
        for poly in ct.polys {
            var data = poly.data
            rescaler.apply(&data, keepCount: level, degree: n, keepTables: keepTables,
                           dropTables: dropTables, parallelism: context.parallelism)
            data.removeLast(n)
            polys.append(Poly<Eval>(context: context.levels[level - 1], data: data))
        }
        let q = Double(context.parameters.ciphertextModuli[level])
        return Ciphertext(polys: polys, scale: ct.scale / q)
    }

    /// Drops limbs without changing the message or the scale (modulus switching).
    /// - Throws: `invalidLevel` if `level` is above the current one or negative.
    public func dropLevel(_ ct: Ciphertext, to level: Int) throws -> Ciphertext {
        guard level >= 0, level <= ct.level else { throw HEError.invalidLevel(requested: level, current: ct.level) }
        let n = context.parameters.degree
        let ring = context.levels[level]
        let polys = ct.polys.map { Poly<Eval>(context: ring, data: Array($0.data[0..<((level + 1) * n)])) }
        return Ciphertext(polys: polys, scale: ct.scale)
    }

    /// Drops a plaintext's limbs to `level`.
    public func dropLevel(_ pt: Plaintext, to level: Int) throws -> Plaintext {
        guard level >= 0, level <= pt.level else { throw HEError.invalidLevel(requested: level, current: pt.level) }
        let n = context.parameters.degree
        return Plaintext(poly: Poly<Eval>(context: context.levels[level], data: Array(pt.poly.data[0..<((level + 1) * n)])),
                         scale: pt.scale)
    }
}
