/// HEPrune's composite sign approximation sign(x) ≈ g(f(x)) on [−1, 1]
/// (research note §2; minimax polynomials in the style of Lee et al.,
/// eprint 2020/834; coefficients from HEPrune's `hefs.cpp`, whose even terms
/// are ~1e-46 noise and dropped here), and |x| ≈ x·g(f(x)).
///
/// Ranges (double precision, 400,001-point grid, research note §2):
/// |x·g(f(x)) − |x|| ≤ 0.0077 on [−1, 1]; f maps [−1, 1] into about
/// [−1.59, 1.59], where g stays within [−1.007, 1.007]. **Outside [−1, 1] the
/// composite fails badly**: g(f(1.02)) ≈ −0.91, g(f(1.1)) ≈ 1e11.
public enum CompositeSign {
    /// f, degree 7 (applied first).
    public static let f = OddPolynomial(oddCoefficients: [
        8.83133072022416, -46.4575039895512, 83.0282234720408, -44.9928477828070,
    ])
    /// g, degree 15 (applied second).
    public static let g = OddPolynomial(oddCoefficients: [
        3.94881885083263, -12.9103010992282, 28.0865362174658, -35.5969148965137,
        26.5159370881337, -11.4184889368449, 2.62558443881334, -0.249172299998642,
    ])

    /// sup over [−1, 1] of |x·g(f(x)) − |x|| (0.007646 on a 100,001-point
    /// grid), rounded up.
    public static let absoluteError = 0.0077

    /// The largest bound B on |P − Y| `HEFSScorer` accepts: it evaluates at
    /// (P − Y)/B, so its per-class error grows to B·`absoluteError` and the
    /// sign is poor below |d| ≈ 0.047·B.
    public static let maximumInputBound = 2.0

    /// Levels of x·g(f(x)): depth(f) + depth(g) + 1 = 3 + 4 + 1 = 8.
    public static var absoluteDepth: Int { f.depth + g.depth + 1 }

    /// sign(x) ≈ g(f(x)), valid for x ∈ [−1, 1].
    public static func sign(_ x: Double) -> Double { g(f(x)) }

    /// |x| ≈ x·g(f(x)), valid for x ∈ [−1, 1].
    public static func absolute(_ x: Double) -> Double { x * sign(x) }
}
