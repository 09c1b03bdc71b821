/// A representation of a ring element: coefficients or NTT evaluations.
public protocol PolyFormat: Sendable {}
/// Coefficient form.
public enum Coeff: PolyFormat {}
/// Evaluation (NTT) form; element-wise products exist only here.
public enum Eval: PolyFormat {}

/// An element of `Z_Q[X]/(X^N + 1)` in RNS form.
///
/// Storage is one flat row-major buffer: `data[limb·N + k]` is coefficient (or
/// evaluation) `k` modulo `context.moduli[limb]`, always in `[0, q_limb)`.
public struct Poly<Format: PolyFormat>: Sendable {
    /// The ring this element lives in.
    public let context: RingContext
    /// `limbCount · N` residues.
    public var data: [UInt64]

    /// The zero polynomial.
    public init(zeroIn context: RingContext) {
        self.context = context
        self.data = [UInt64](repeating: 0, count: context.limbCount * context.degree)
    }

    /// Wraps existing residues.
    /// - Parameters: `data` of length `limbCount·N`, each residue reduced.
    public init(context: RingContext, data: [UInt64]) {
        precondition(data.count == context.limbCount * context.degree, "wrong residue count")
        self.context = context
        self.data = data
    }

    /// The ring degree N.
    public var degree: Int { context.degree }
    /// The number of RNS limbs.
    public var limbCount: Int { context.limbCount }

    /// The residues of one limb.
    public func limb(_ index: Int) -> ArraySlice<UInt64> {
        data[(index * degree)..<((index + 1) * degree)]
    }
}

extension Poly: Equatable {
    public static func == (lhs: Poly, rhs: Poly) -> Bool {
        lhs.context.moduli == rhs.context.moduli && lhs.data == rhs.data
    }
}
