/// The ring automorphism `X → X^g` (g odd) as a permutation of the evaluation form.
///
/// Evaluation index `k` holds `a(ψ^(2·brv(k)+1))`, so `σ_g(a)` at index `k` is `a` at the
/// index whose exponent is `(2·brv(k)+1)·g mod 2N`.
public struct Automorphism: Sendable, Hashable {
    /// The Galois element g (odd, in `[1, 2N)`).
    public let galoisElement: Int
    /// `output[k] = input[sourceIndex[k]]` in evaluation form.
    public let sourceIndex: [Int32]

    /// - Parameters: `galoisElement` odd; `degree` N, a power of two.
    public init(galoisElement: Int, degree: Int) {
        precondition(galoisElement & 1 == 1, "Galois elements are odd")
        let logN = degree.trailingZeroBitCount
        let twoN = 2 * degree
        let g = ((galoisElement % twoN) + twoN) % twoN
        self.galoisElement = g
        var source = [Int32](repeating: 0, count: degree)
        for k in 0..<degree {
            let exponent = (2 * bitReverse(k, bits: logN) + 1) * g % twoN
            source[k] = Int32(bitReverse((exponent - 1) / 2, bits: logN))
        }
        self.sourceIndex = source
    }

    /// The Galois element rotating CKKS slots left by `steps` (`5^steps mod 2N`).
    public static func rotationElement(steps: Int, degree: Int) -> Int {
        let twoN = 2 * degree
        let slots = degree / 2
        var e = ((steps % slots) + slots) % slots
        var result = 1, base = 5
        while e > 0 {
            if e & 1 == 1 { result = result * base % twoN }
            base = base * base % twoN
            e >>= 1
        }
        return result
    }

    /// The Galois element of complex conjugation (`2N − 1`).
    public static func conjugationElement(degree: Int) -> Int { 2 * degree - 1 }
}
