import HepexcModArith

/// Lifts RNS residues modulo `Q = q_0·…·q_ℓ` to the centered integer in `(−Q/2, Q/2]`
/// and returns it as a `Double` (multiprecision CRT, as SEAL's `compose_array`).
struct CRTComposer: Sendable {
    let moduli: [Modulus]
    /// Words of Q, little endian (`wordCount` words).
    let product: [UInt64]
    /// Words of ⌊Q/2⌋.
    let halfProduct: [UInt64]
    /// Words of Q/q_i, each `wordCount` words, concatenated.
    let hats: [UInt64]
    /// `[(Q/q_i)⁻¹]_{q_i}`.
    let hatInverse: [ShoupMultiplicand]
    let reciprocal: [Double]
    let wordCount: Int

    init(moduli: [Modulus]) {
        self.moduli = moduli
        let words = moduli.count + 1
        self.wordCount = words
        func multiply(_ a: [UInt64], _ w: UInt64) -> [UInt64] {
            var out = [UInt64](repeating: 0, count: words)
            var carry: UInt64 = 0
            for i in 0..<words {
                let p = a[i].multipliedFullWidth(by: w)
                let (s, c) = p.low.addingReportingOverflow(carry)
                out[i] = s
                carry = p.high &+ (c ? 1 : 0)
            }
            return out
        }
        var one = [UInt64](repeating: 0, count: words); one[0] = 1
        var product = one
        for q in moduli { product = multiply(product, q.value) }
        self.product = product
        var half = product
        for i in 0..<words {
            half[i] = (product[i] >> 1) | (i + 1 < words ? product[i + 1] << 63 : 0)
        }
        self.halfProduct = half
        var hats: [UInt64] = []
        var inverse: [ShoupMultiplicand] = []
        for (i, qi) in moduli.enumerated() {
            var hat = one
            var hatMod: UInt64 = 1
            for (j, qj) in moduli.enumerated() where j != i {
                hat = multiply(hat, qj.value)
                hatMod = qi.mulMod(hatMod, qi.reduce(qj.value))
            }
            hats += hat
            inverse.append(ShoupMultiplicand(qi.inverseMod(hatMod), modulus: qi))
        }
        self.hats = hats
        self.hatInverse = inverse
        self.reciprocal = moduli.map { 1 / Double($0.value) }
    }
}
