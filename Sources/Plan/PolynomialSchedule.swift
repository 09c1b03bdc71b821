/// How an element-wise polynomial is evaluated with minimal depth; shared
/// by the executor and the op-count estimator so the two always agree.
///
/// Powers xⁱ are built by products xⁱ = xᵃ·x^(i−a) with a the largest power
/// of two below i, giving depth ⌈log₂ i⌉. Each non-zero term cᵢ·xⁱ (i ≥ 1)
/// is then brought to one common level by a constant multiplication (after
/// dropping levels where its power is shallower) and the terms are added;
/// c₀ is added as a constant. A monic monomial xᵈ skips the constant step.
public struct PolynomialSchedule: Sendable, Equatable {
    /// A power to compute: xⁱ = xᵃ · xᵇ.
    public struct Product: Sendable, Equatable {
        public var power: Int
        public var lhs: Int
        public var rhs: Int
    }

    public var coefficients: [Double]
    /// The products to compute, in order (powers only where needed).
    public var products: [Product]
    /// Levels each needed power consumes (x¹ → 0).
    public var depths: [Int: Int]
    /// Non-zero terms i ≥ 1, ascending.
    public var terms: [Int]
    /// Whether the result is exactly xᵈ.
    public var isMonicMonomial: Bool
    /// Levels the whole polynomial consumes.
    public var depth: Int

    public init(coefficients: [Double]) {
        self.coefficients = coefficients
        let terms = coefficients.indices.filter { $0 >= 1 && coefficients[$0] != 0 }
        self.terms = terms
        var depths: [Int: Int] = [1: 0]
        var products: [Product] = []
        func build(_ power: Int) {
            guard depths[power] == nil else { return }
            var a = 1
            while a * 2 < power { a *= 2 }
            build(a)
            build(power - a)
            depths[power] = 1 + max(depths[a] ?? 0, depths[power - a] ?? 0)
            products.append(Product(power: power, lhs: a, rhs: power - a))
        }
        for term in terms { build(term) }
        self.products = products
        self.depths = depths
        let maxPowerDepth = terms.map { depths[$0] ?? 0 }.max() ?? 0
        self.isMonicMonomial = terms.count == 1 && coefficients[terms[0]] == 1
        self.depth = terms.isEmpty ? 0 : (isMonicMonomial ? maxPowerDepth : maxPowerDepth + 1)
    }

    /// The constant term c₀.
    public var constantTerm: Double { coefficients.first ?? 0 }
}
