import Testing
import CHepexcVector
import HepexcModArith
import HepexcRing

/// The IFMA element-wise kernels against `Modulus.reduce(high:low:)` (runs where the CPU has IFMA).
@Suite("IFMA Barrett kernels = Swift Barrett")
struct VectorArithmeticTests {
    static let bitWidths = [30, 36, 40, 41, 45, 49, 50]
    static var enabled: Bool { VectorISA.supported == .ifma }

    @Test("(hi·2^52 + lo) mod q over the whole input range, edges included", arguments: bitWidths)
    func reduce52(bitWidth: Int) throws {
        guard Self.enabled else { return }
        var rng = SplitMix64(seed: UInt64(bitWidth) &* 31)
        let prime = try #require(Modulus.nttPrimes(bitWidth: bitWidth, count: 1, degree: 16)?.first)
        let q = Modulus(prime)
        let count = 256
        // Values P < 2^(L+51) as (hi, lo) with lo anywhere in [0, 2^64) (carries into hi).
        let limitHigh = UInt64(1) << (bitWidth - 1)  // P < 2^(L+51) ⇔ P / 2^52 < 2^(L−1)
        var lo = [UInt64](), hi = [UInt64]()
        for i in 0..<count {
            var h: UInt64, l: UInt64
            switch i % 8 {
            case 0: (h, l) = (limitHigh - 1, (1 << 52) - 1)  // the largest value
            case 1: (h, l) = (0, 0)
            case 2: (h, l) = (0, prime - 1)
            case 3: (h, l) = (0, prime)
            default:
                h = rng.next() % limitHigh
                l = rng.next() & ((1 << 52) - 1)
            }
            // Move a few units of 2^52 from hi to lo (lo ≥ 2^52, as in the accumulators).
            let moved = min(h, rng.next() % 4096)
            hi.append(h - moved); lo.append(l &+ moved << 52)
        }
        var out = [UInt64](repeating: 0, count: count)
        hepexc_reduce52(&out, lo, hi, count, prime)
        for k in 0..<count {
            let (sum, carry) = (hi[k] << 52).addingReportingOverflow(lo[k])
            let want = q.reduce(high: (hi[k] >> 12) &+ (carry ? 1 : 0), low: sum)
            #expect(out[k] == want, "q=\(prime) hi=\(hi[k]) lo=\(lo[k])")
        }
    }

    @Test("Element-wise product and tensor product, reduced inputs with edges", arguments: bitWidths)
    func products(bitWidth: Int) throws {
        guard Self.enabled else { return }
        var rng = SplitMix64(seed: UInt64(bitWidth) &* 57)
        let prime = try #require(Modulus.nttPrimes(bitWidth: bitWidth, count: 1, degree: 16)?.first)
        let q = Modulus(prime)
        let count = 512
        func operand() -> [UInt64] {
            (0..<count).map { i in i % 5 == 0 ? prime - 1 : (i % 7 == 0 ? 0 : rng.next() % prime) }
        }
        let a0 = operand(), a1 = operand(), b0 = operand(), b1 = operand()
        var product = [UInt64](repeating: 0, count: count)
        hepexc_multiply52(&product, a0, b0, count, prime)
        #expect(product == zip(a0, b0).map { q.mulMod($0, $1) })
        var c0 = product, c1 = product, c2 = product
        hepexc_tensor52(&c0, &c1, &c2, a0, a1, b0, b1, count, prime)
        #expect(c0 == zip(a0, b0).map { q.mulMod($0, $1) })
        #expect(c2 == zip(a1, b1).map { q.mulMod($0, $1) })
        #expect(c1 == (0..<count).map { q.addMod(q.mulMod(a0[$0], b1[$0]), q.mulMod(a1[$0], b0[$0])) })
    }
}
