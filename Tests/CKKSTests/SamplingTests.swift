import Testing
@testable import HepexcCKKS
import HepexcModArith
import HepexcRing

/// The samplers' distributions (sanity bounds, 6σ or wider) and how they read the stream.
@Suite("Sampling")
struct SamplingTests {
    static func ring() throws -> RingContext {
        let context = CKKSContext(parameters: try CKKSParameters(.insecureN4096), threads: 1)
        return context.levels[context.parameters.maxLevel]
    }

    /// Limb 0 of a coefficient-form polynomial as signed integers.
    static func signed(_ poly: Poly<Coeff>) -> [Int64] {
        let q = poly.context.moduli[0].value
        return poly.data[0..<poly.context.degree].map { $0 > q / 2 ? -Int64(q - $0) : Int64($0) }
    }

    @Test("Ternary: −1, 0, 1 a third each")
    func ternary() throws {
        let ring = try Self.ring()
        var rng = SecureRandom(seed: 11)
        let values = (0..<4).flatMap { _ in Self.signed(Sampling.ternary(ring, &rng)) }
        #expect(values.allSatisfy { (-1...1).contains($0) })
        for v: Int64 in [-1, 0, 1] {
            let share = Double(values.filter { $0 == v }.count) / Double(values.count)
            #expect(abs(share - 1.0 / 3) < 0.03, "share of \(v): \(share)")
        }
    }

    @Test("Error: centred binomial η = 21 (mean 0, variance 10.5, |e| ≤ 21)")
    func error() throws {
        let ring = try Self.ring()
        var rng = SecureRandom(seed: 12)
        let values = (0..<4).flatMap { _ in Self.signed(Sampling.error(ring, &rng)) }.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        #expect(values.allSatisfy { abs($0) <= 21 })
        #expect(abs(mean) < 0.2, "mean \(mean)")
        #expect(abs(variance - 10.5) < 0.8, "variance \(variance)")
    }

    @Test("Uniform: every residue below q_i, mean q_i/2, limbs independent")
    func uniform() throws {
        let ring = try Self.ring()
        var rng = SecureRandom(seed: 13)
        let poly = Sampling.uniform(ring, &rng)
        let n = ring.degree
        for (limb, q) in ring.moduli.enumerated() {
            let residues = poly.data[(limb * n)..<((limb + 1) * n)]
            #expect(residues.allSatisfy { $0 < q.value })
            let mean = residues.map { Double($0) / Double(q.value) }.reduce(0, +) / Double(n)
            #expect(abs(mean - 0.5) < 0.03, "limb \(limb): mean \(mean) q")
            // The top bit of the width is set about (q − 2^(w−1)) / q of the time: not constant.
            let top = UInt64(1) << UInt64(q.bitWidth - 1)
            let high = residues.filter { $0 >= top }.count
            #expect(high > n / 8 && high < n - n / 8)
        }
        #expect(poly.data[0..<n] != poly.data[n..<(2 * n)])
    }

    @Test("RandomBits reads the stream least significant bit first, across word boundaries")
    func bitReader() {
        var source = SecureRandom(seed: 14), copy = SecureRandom(seed: 14)
        let stream = (0..<40).map { _ in copy.next() }
        let bits = stream.flatMap { word in (0..<64).map { word >> UInt64($0) & 1 } }
        var reader = RandomBits()
        var position = 0
        for width in [1, 2, 40, 64, 63, 42, 5, 64, 64, 30, 61, 1, 50, 59, 60, 33, 64, 7] {
            let expected = (0..<width).reduce(UInt64(0)) { $0 | bits[position + $1] << UInt64($1) }
            #expect(reader.take(width, &source) == expected, "width \(width) at bit \(position)")
            position += width
        }
    }
}
