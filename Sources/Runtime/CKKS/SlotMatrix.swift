/// A complex linear map on slot vectors of period `period` (a power of two dividing
/// N/2), stored by generalized diagonals: `(M·x)_p = Σ_k diagonals[k][p] · x_{(p+k) mod period}`.
///
/// This is the form in which a homomorphic linear transform is evaluated: diagonal `k`
/// becomes one plaintext and multiplies the ciphertext rotated left by `k`. A vector of
/// period D replicated over the N/2 slots stays periodic under rotations, so the same
/// matrix acts on sparse packings.
struct SlotMatrix: Sendable {
    /// The period D of the vectors it acts on.
    let period: Int
    /// Diagonal offset `k ∈ [0, D)` → its D entries.
    var diagonals: [Int: [Complex]]

    init(period: Int, diagonals: [Int: [Complex]] = [:]) {
        self.period = period
        self.diagonals = diagonals
    }

    /// The identity.
    static func identity(period: Int) -> SlotMatrix {
        SlotMatrix(period: period, diagonals: [0: [Complex](repeating: .one, count: period)])
    }

    /// `self·x` on a vector of length `period` (the plain reference, used by tests and to check factorizations).
    func apply(_ x: [Complex]) -> [Complex] {
        var out = [Complex](repeating: .zero, count: period)
        for (k, d) in diagonals {
            for p in 0..<period { out[p] += d[p] * x[(p + k) % period] }
        }
        return out
    }

    /// The composition `self ∘ other` (apply `other` first): diagonal a of self and b of
    /// other give diagonal a + b with entries `A_a[p] · B_b[p + a]`.
    func after(_ other: SlotMatrix) -> SlotMatrix {
        precondition(period == other.period, "matrices of different periods")
        var result: [Int: [Complex]] = [:]
        for (a, da) in diagonals {
            for (b, db) in other.diagonals {
                let k = (a + b) % period
                var entries = result[k] ?? [Complex](repeating: .zero, count: period)
                for p in 0..<period { entries[p] += da[p] * db[(p + a) % period] }
                result[k] = entries
            }
        }
        return SlotMatrix(period: period, diagonals: result.filter { $0.value.contains { $0.magnitude > 1e-300 } })
    }

    /// The same map on vectors of a multiple period whose blocks repeat (diagonals replicated).
    func lifted(to newPeriod: Int) -> SlotMatrix {
        precondition(newPeriod % period == 0)
        var result: [Int: [Complex]] = [:]
        for (k, d) in diagonals {
            result[k] = (0..<newPeriod).map { d[$0 % period] }
        }
        return SlotMatrix(period: newPeriod, diagonals: result)
    }

    /// `diag(v)·self`: row p scaled by `v[p]`.
    func rowScaled(by v: [Complex]) -> SlotMatrix {
        var result = self
        for (k, d) in diagonals { result.diagonals[k] = (0..<period).map { d[$0] * v[$0] } }
        return result
    }

    /// `c·self`.
    func scaled(by c: Double) -> SlotMatrix {
        var result = self
        for (k, d) in diagonals { result.diagonals[k] = d.map { $0 * c } }
        return result
    }

    /// The offsets as signed integers in `(−D/2, D/2]`, sorted.
    var signedOffsets: [Int] {
        diagonals.keys.map { $0 > period / 2 ? $0 - period : $0 }.sorted()
    }
}
