/// A univariate polynomial Σ cᵢ·xⁱ with `Double` coefficients (c₀ first).
struct Polynomial: Equatable {
    var coefficients: [Double]

    init(_ coefficients: [Double]) {
        var trimmed = coefficients
        while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
        self.coefficients = trimmed.isEmpty ? [0] : trimmed
    }

    static let identity = Polynomial([0, 1])
    static func constant(_ c: Double) -> Polynomial { Polynomial([c]) }

    var degree: Int { coefficients.count - 1 }

    static func + (a: Polynomial, b: Polynomial) -> Polynomial {
        var sum = Array(repeating: 0.0, count: max(a.coefficients.count, b.coefficients.count))
        for (i, c) in a.coefficients.enumerated() { sum[i] += c }
        for (i, c) in b.coefficients.enumerated() { sum[i] += c }
        return Polynomial(sum)
    }

    static func - (a: Polynomial, b: Polynomial) -> Polynomial { a + b.scaled(-1) }

    static func * (a: Polynomial, b: Polynomial) -> Polynomial {
        var product = Array(repeating: 0.0, count: a.coefficients.count + b.coefficients.count - 1)
        for (i, x) in a.coefficients.enumerated() {
            for (j, y) in b.coefficients.enumerated() { product[i + j] += x * y }
        }
        return Polynomial(product)
    }

    func scaled(_ factor: Double) -> Polynomial { Polynomial(coefficients.map { $0 * factor }) }

    /// self(inner(x)), by Horner's rule on polynomials.
    func composed(with inner: Polynomial) -> Polynomial {
        var result = Polynomial.constant(0)
        for coefficient in coefficients.reversed() {
            result = result * inner + .constant(coefficient)
        }
        return result
    }
}
