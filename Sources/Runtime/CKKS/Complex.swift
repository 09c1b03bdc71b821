/// A complex number in double precision (the linear transforms of bootstrapping
/// are complex matrices over the slots).
struct Complex: Sendable, Equatable {
    var re: Double
    var im: Double

    init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }

    static let zero = Complex(0, 0)
    static let one = Complex(1, 0)
    static let i = Complex(0, 1)

    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static func * (a: Complex, b: Complex) -> Complex {
        Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    static func * (a: Complex, s: Double) -> Complex { Complex(a.re * s, a.im * s) }
    static func += (a: inout Complex, b: Complex) { a = a + b }
    /// `1 / self` (self ≠ 0).
    var reciprocal: Complex {
        let d = re * re + im * im
        return Complex(re / d, -im / d)
    }
    var conjugate: Complex { Complex(re, -im) }
    var magnitude: Double { (re * re + im * im).squareRoot() }
}
