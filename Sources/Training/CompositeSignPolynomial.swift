/// sign(x) ≈ g(f(x)) on [−1, 1]: two odd minimax polynomials composed, in the
/// style of Lee et al. (eprint 2020/834), as HEPrune's HEFS score uses them to
/// take |d| = d·sign(d) under encryption.
///
/// The coefficients are public so that the encrypted implementation evaluates
/// exactly the same polynomials as the plaintext simulation. Each array holds
/// the coefficients in ascending powers (index i multiplies xⁱ); the even
/// ones are 0 (the official code's ~1e-46 even terms are noise).
///
/// Numerically (double precision, no CKKS noise): |d·g(f(d)) − |d|| ≤ 0.0076
/// on [−1, 1], so a 10-class ℓ1 score is off by at most ~0.076. Outside
/// [−1, 1] the composite falls apart (g(f(1.02)) ≈ −0.91, g(f(1.1)) ≈ 1e11),
/// hence the range guard.
public struct CompositeSignPolynomial: Sendable, Equatable {
    /// The inner polynomial, applied first.
    public let f: [Double]
    /// The outer polynomial, applied to f's result.
    public let g: [Double]
    /// Where g∘f approximates sign; other inputs are refused.
    public let inputRange: ClosedRange<Double>

    /// - Parameters:
    ///   - f: ascending coefficients of the inner polynomial.
    ///   - g: ascending coefficients of the outer polynomial.
    ///   - inputRange: the valid input interval.
    public init(f: [Double], g: [Double], inputRange: ClosedRange<Double> = -1...1) {
        self.f = f
        self.g = g
        self.inputRange = inputRange
    }

    /// HEPrune's pair (`HEPrune/hefs.cpp` in the official code), degrees 7 and 15.
    public static let heprune = CompositeSignPolynomial(
        f: [0, 8.83133072022416, 0, -46.4575039895512, 0, 83.0282234720408, 0, -44.9928477828070],
        g: [0, 3.94881885083263, 0, -12.9103010992282, 0, 28.0865362174658, 0, -35.5969148965137,
            0, 26.5159370881337, 0, -11.4184889368449, 0, 2.62558443881334, 0, -0.249172299998642])

    /// The least multiplicative depth of d·g(f(d)) under CKKS:
    /// ⌈log₂(deg f + 1)⌉ + ⌈log₂(deg g + 1)⌉ + 1 for the final product
    /// (8 for ``heprune``; Paterson–Stockmeyer evaluators may need one more
    /// level per polynomial).
    public var minimumDepth: Int {
        func levels(_ coefficients: [Double]) -> Int {
            let degree = Swift.max(coefficients.count - 1, 1)
            return Int.bitWidth - degree.leadingZeroBitCount
        }
        return levels(f) + levels(g) + 1
    }

    /// Horner evaluation of ascending `coefficients` at `x`.
    public static func evaluate(_ coefficients: [Double], at x: Double) -> Double {
        coefficients.reversed().reduce(0) { $0 * x + $1 }
    }

    /// g(f(x)) ≈ sign(x).
    /// - Throws: ``TrainingError/polynomialInputOutOfRange(value:range:)``
    ///   for x outside ``inputRange`` or NaN.
    public func sign(_ x: Double) throws(TrainingError) -> Double {
        guard inputRange.contains(x) else { throw .polynomialInputOutOfRange(value: x, range: inputRange) }
        return Self.evaluate(g, at: Self.evaluate(f, at: x))
    }

    /// x·g(f(x)) ≈ |x|.
    /// - Throws: as ``sign(_:)``.
    public func absoluteValue(_ x: Double) throws(TrainingError) -> Double {
        x * (try sign(x))
    }
}
