import Testing
import HepexcModArith

/// A small seeded generator (SplitMix64) so every test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reference `(high·2^64 + low) mod q` through the hardware division.
func referenceReduce(_ high: UInt64, _ low: UInt64, _ q: UInt64) -> UInt64 {
    q.dividingFullWidth((high % q, low)).remainder
}

let testModuli: [UInt64] = [3, 97, 113, 7681, 12289, 65537, 0x3FFF_FFFF_000_0001 | 1,
                            1_152_921_504_606_584_833, 2_305_843_009_213_693_951]

@Suite("Modular arithmetic")
struct ModulusTests {
    @Test("Known answers on tiny primes")
    func knownAnswers() {
        let q = Modulus(97)
        #expect(q.mulMod(50, 60) == 3000 % 97)
        #expect(q.addMod(96, 5) == 4)
        #expect(q.subMod(3, 5) == 95)
        #expect(q.negateMod(0) == 0)
        #expect(q.negateMod(1) == 96)
        #expect(q.powMod(3, 96) == 1)
        #expect(q.mulMod(q.inverseMod(35), 35) == 1)
        #expect(q.centered(96) == -1)
        #expect(q.reduce(signed: -1) == 96)
        #expect(Modulus(7681).bitWidth == 13)
    }

    @Test("Barrett and Shoup agree with division", arguments: testModuli)
    func agreesWithDivision(modulus: UInt64) {
        let q = Modulus(modulus)
        var rng = SplitMix64(seed: modulus)
        for _ in 0..<2000 {
            let a = rng.next() % modulus, b = rng.next() % modulus, x = rng.next()
            let p = a.multipliedFullWidth(by: b)
            let expected = referenceReduce(p.high, p.low, modulus)
            #expect(q.mulMod(a, b) == expected)
            let lazy = q.mulModLazy(a, b)
            #expect(lazy < 2 * modulus && lazy % modulus == expected)
            #expect(q.reduce(x) == x % modulus)
            let hi = rng.next() % modulus
            #expect(q.reduce(high: hi, low: x) == referenceReduce(hi, x, modulus))
            let w = ShoupMultiplicand(b, modulus: q)
            let px = x.multipliedFullWidth(by: b)
            let ex = referenceReduce(px.high, px.low, modulus)
            #expect(w.multiply(x, modulus: modulus) == ex)
            let wl = w.multiplyLazy(x, modulus: modulus)
            #expect(wl < 2 * modulus && wl % modulus == ex)
            #expect(q.addMod(a, b) == (a + b) % modulus)
            #expect(q.subMod(a, b) == (a + modulus - b) % modulus)
        }
    }

    @Test("Edge values of the 128-bit reduction")
    func edges() {
        for modulus in testModuli {
            let q = Modulus(modulus)
            let m = modulus - 1
            let p = m.multipliedFullWidth(by: m)
            #expect(q.reduce(high: p.high, low: p.low) == referenceReduce(p.high, p.low, modulus))
            #expect(q.reduce(UInt64.max) == UInt64.max % modulus)
            #expect(q.reduce(high: m, low: UInt64.max) == referenceReduce(m, UInt64.max, modulus))
        }
    }

    @Test("Primality and NTT-friendly prime generation are deterministic")
    func primes() throws {
        #expect(Modulus.isPrime(2_305_843_009_213_693_951))  // 2^61 − 1
        #expect(!Modulus.isPrime(3_215_031_751))  // strong pseudoprime to 2, 3, 5, 7
        #expect(Modulus.isPrime(7681) && Modulus.isPrime(12289) && !Modulus.isPrime(12291))
        let primes = try #require(Modulus.nttPrimes(bitWidth: 40, count: 3, degree: 4096))
        #expect(primes == Modulus.nttPrimes(bitWidth: 40, count: 3, degree: 4096))
        for p in primes {
            #expect(p % 8192 == 1 && Modulus.isPrime(p) && p >> 39 == 1)
        }
        #expect(primes == primes.sorted(by: >))
        let more = try #require(Modulus.nttPrimes(bitWidth: 40, count: 2, degree: 4096,
                                                  excluding: Set(primes.prefix(2))))
        #expect(more[0] == primes[2])
        // The largest 60-bit prime ≡ 1 mod 2^14 comes first: no candidate above it is prime.
        let largest = try #require(Modulus.nttPrimes(bitWidth: 60, count: 1, degree: 8192)?.first)
        #expect(largest == 1_152_921_504_606_830_593)
        #expect(!stride(from: largest + 16384, to: UInt64(1) << 60, by: 16384).contains(where: Modulus.isPrime))
    }

    @Test("Primitive roots have exact order", arguments: [(UInt64(97), 32), (7681, 512), (12289, 2048)])
    func roots(prime: UInt64, order: Int) throws {
        let q = Modulus(prime)
        let psi = try #require(q.minimalPrimitiveRoot(order: order))
        #expect(q.powMod(psi, UInt64(order / 2)) == prime - 1)
        #expect(q.powMod(psi, UInt64(order)) == 1)
    }
}
