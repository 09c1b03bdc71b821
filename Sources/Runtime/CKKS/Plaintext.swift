public import HepexcRing

/// An encoded message: one polynomial in evaluation form at some level, with its scale.
public struct Plaintext: Sendable {
    /// The encoding polynomial (limbs q_0 … q_level).
    public var poly: Poly<Eval>
    /// The scale Δ the values were multiplied by.
    public var scale: Double

    /// - Parameters: `poly` in evaluation form; `scale` its scale.
    public init(poly: Poly<Eval>, scale: Double) {
        self.poly = poly
        self.scale = scale
    }

    /// The level (limb count − 1).
    public var level: Int { poly.limbCount - 1 }
}

/// A CKKS ciphertext `(c_0, c_1[, c_2])` in evaluation form: decrypts to
/// `c_0 + c_1·s (+ c_2·s²)`.
public struct Ciphertext: Sendable {
    /// The polynomials, all at the same level.
    public var polys: [Poly<Eval>]
    /// The scale of the encrypted message.
    public var scale: Double

    /// - Parameters: `polys` two or three polynomials at one level; `scale` the message scale.
    public init(polys: [Poly<Eval>], scale: Double) {
        precondition(polys.count >= 2 && polys.allSatisfy { $0.limbCount == polys[0].limbCount })
        self.polys = polys
        self.scale = scale
    }

    /// The level (limb count − 1).
    public var level: Int { polys[0].limbCount - 1 }
    /// Number of polynomials (2 after relinearization, 3 after a bare tensor product).
    public var size: Int { polys.count }
}
