import Testing
import HepexcModArith
import HepexcRing

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

/// Schoolbook product in Z_q[X]/(X^N + 1).
func negacyclicProduct(_ a: [UInt64], _ b: [UInt64], _ q: Modulus) -> [UInt64] {
    let n = a.count
    var c = [UInt64](repeating: 0, count: n)
    for i in 0..<n {
        for j in 0..<n {
            let p = q.mulMod(a[i], b[j])
            if i + j < n { c[i + j] = q.addMod(c[i + j], p) } else { c[i + j - n] = q.subMod(c[i + j - n], p) }
        }
    }
    return c
}

func randomPoly(_ context: RingContext, _ rng: inout SplitMix64) -> Poly<Coeff> {
    var p = Poly<Coeff>(zeroIn: context)
    let n = context.degree
    for (limb, q) in context.moduli.enumerated() {
        for k in 0..<n { p.data[limb * n + k] = rng.next() % q.value }
    }
    return p
}

@Suite("Negacyclic NTT")
struct NTTTests {
    static let cases: [(UInt64, Int)] = [(97, 2), (97, 4), (97, 16), (113, 8), (7681, 16), (12289, 16),
                                         (12289, 1024), (7681, 256)]

    @Test("Known answer: NTT of X is ψ^(2·brv(k)+1)")
    func knownAnswer() {
        let q = Modulus(97)
        let tables = NTTTables(modulus: q, degree: 4)
        var a: [UInt64] = [0, 1, 0, 0]
        a.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) }
        for k in 0..<4 {
            #expect(a[k] == q.powMod(tables.psi, UInt64(2 * bitReverse(k, bits: 2) + 1)))
        }
        // ψ for q = 97, 2N = 8: the smallest primitive 8th root of unity is 33.
        #expect(tables.psi == 33)
    }

    @Test("INTT ∘ NTT = id and NTT products are negacyclic products", arguments: cases)
    func roundTripAndProduct(prime: UInt64, degree: Int) {
        let q = Modulus(prime)
        let context = RingContext(degree: degree, moduli: [q])
        var rng = SplitMix64(seed: prime &* UInt64(degree))
        let a = randomPoly(context, &rng), b = randomPoly(context, &rng)
        let ea = a.forwardNTT(), eb = b.forwardNTT()
        #expect(ea.inverseNTT() == a)
        if degree <= 256 {
            let product = (ea * eb).inverseNTT()
            #expect(product.data == negacyclicProduct(a.data, b.data, q))
        }
    }

    @Test("Lazy forward outputs stay below 4q and reduce correctly")
    func lazyRange() throws {
        let prime = try #require(Modulus.nttPrimes(bitWidth: 61, count: 1, degree: 1024)?.first)
        let q = Modulus(prime)
        let tables = NTTTables(modulus: q, degree: 1024)
        var rng = SplitMix64(seed: 7)
        // inputs anywhere in [0, 4q)
        let input = (0..<1024).map { _ in rng.next() % (4 * prime) }
        var lazy = input, full = input.map { $0 % prime }
        lazy.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!, reduceOutput: false) }
        full.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) }
        #expect(lazy.allSatisfy { $0 < 4 * prime })
        #expect(lazy.map { $0 % prime } == full)
        var back = full
        back.withUnsafeMutableBufferPointer { tables.inverse($0.baseAddress!) }
        #expect(back == input.map { $0 % prime })
    }

    @Test("Multi-limb NTT with 60-bit primes and threads")
    func multiLimb() throws {
        let primes = try #require(Modulus.nttPrimes(bitWidth: 60, count: 3, degree: 64))
        let context = RingContext(degree: 64, moduli: primes.map(Modulus.init), parallelism: Parallelism(threads: 2))
        var rng = SplitMix64(seed: 3)
        let a = randomPoly(context, &rng), b = randomPoly(context, &rng)
        let product = (a.forwardNTT() * b.forwardNTT()).inverseNTT()
        for (limb, q) in context.moduli.enumerated() {
            #expect(Array(product.limb(limb)) == negacyclicProduct(Array(a.limb(limb)), Array(b.limb(limb)), q))
        }
        #expect((a + b - b) == a)
        #expect((-a + a) == Poly<Coeff>(zeroIn: context))
    }

    @Test("Automorphism in evaluation form matches X → X^g on coefficients", arguments: [3, 5, 25, 127])
    func automorphism(g: Int) {
        let n = 64
        let q = Modulus(7681)  // 7681 ≡ 1 mod 128
        let context = RingContext(degree: n, moduli: [q])
        var rng = SplitMix64(seed: UInt64(g))
        let a = randomPoly(context, &rng)
        var expected = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let e = i * g % (2 * n)
            if e < n { expected[e] = q.addMod(expected[e], a.data[i]) } else { expected[e - n] = q.subMod(expected[e - n], a.data[i]) }
        }
        let rotated = a.forwardNTT().applying(Automorphism(galoisElement: g, degree: n)).inverseNTT()
        #expect(rotated.data == expected)
    }
}

@Suite("RNS base conversion")
struct BaseConversionTests {
    @Test("Exact conversion returns the centered value; fast conversion is off by a multiple of A")
    func conversion() throws {
        let n = 16
        let all = try #require(Modulus.nttPrimes(bitWidth: 30, count: 5, degree: n)).map(Modulus.init)
        let source = Array(all[0..<3]), target = Array(all[3..<5])
        let converter = BaseConverter(from: source, to: target)
        let sourceContext = RingContext(degree: n, moduli: source), targetContext = RingContext(degree: n, moduli: target)
        var rng = SplitMix64(seed: 11)
        // small signed values, exactly representable
        let values = (0..<n).map { _ in Int64(bitPattern: rng.next()) >> 8 }
        let input = Poly<Coeff>(context: sourceContext, signedCoefficients: values)
        let exact = converter.convert(input, to: targetContext, exact: true)
        #expect(exact == Poly<Coeff>(context: targetContext, signedCoefficients: values))
        let fast = converter.convert(input, to: targetContext, exact: false)
        let a = source.reduce(1.0) { $0 * Double($1.value) }
        _ = a
        for (j, b) in target.enumerated() {
            let productMod = source.reduce(UInt64(1)) { b.mulMod($0, b.reduce($1.value)) }
            for k in 0..<n {
                let diff = b.subMod(fast.data[j * n + k], exact.data[j * n + k])
                #expect((0..<4).contains { u in b.mulMod(UInt64(u), productMod) == diff })
            }
        }
    }
}

@Suite("Parallelism")
struct ParallelismTests {
    struct Failure: Error, Equatable { let index: Int }

    @Test("map over independent items keeps order and rethrows")
    func map() throws {
        let p = Parallelism(threads: 2)
        #expect(p.map(Array(0..<100)) { $0 * $0 } == (0..<100).map { $0 * $0 })
        #expect(throws: Failure(index: 7)) {
            try p.map(Array(0..<20)) { i -> Int in if i == 7 { throw Failure(index: 7) }; return i }
        }
    }
}

@Suite("Out-of-place NTT")
struct OutOfPlaceNTTTests {
    @Test("forward(from:into:) equals the in-place transform", arguments: [2, 4, 8, 1024])
    func outOfPlace(degree: Int) throws {
        let prime = try #require(Modulus.nttPrimes(bitWidth: 50, count: 1, degree: degree)?.first)
        let tables = NTTTables(modulus: Modulus(prime), degree: degree)
        var rng = SplitMix64(seed: UInt64(degree))
        let input = (0..<degree).map { _ in rng.next() % prime }
        var inPlace = input, outOfPlace = [UInt64](repeating: 0, count: degree)
        inPlace.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) }
        input.withUnsafeBufferPointer { src in
            outOfPlace.withUnsafeMutableBufferPointer { tables.forward(from: src.baseAddress!, into: $0.baseAddress!) }
        }
        #expect(outOfPlace == inPlace)
    }
}

@Suite("Residues of integral doubles")
struct IntegralCoefficientTests {
    /// The double-arithmetic residues equal the integer path's for every limb
    /// width the chains use (small, mid and large moduli), edges included.
    @Test("init(integralCoefficients:) = init(signedCoefficients:)", arguments: [30, 40, 49, 50, 51, 60])
    func matchesTheIntegerPath(bitWidth: Int) throws {
        let n = 512
        let primes = try #require(Modulus.nttPrimes(bitWidth: bitWidth, count: 2, degree: n)).map(Modulus.init)
        let context = RingContext(degree: n, moduli: primes)
        var rng = SplitMix64(seed: UInt64(bitWidth))
        let bound = Int64(1) << 51 - 1
        let q = Int64(bitPattern: primes[0].value)
        var values: [Int64] = [0, 1, -1, bound, -bound, q % bound, -(q % bound), (q / 2) % bound, -((q / 2) % bound)]
        while values.count < n {
            let shift = Int(rng.next() % 52)
            let magnitude = Int64(bitPattern: rng.next() >> 13) >> (shift % 52)
            values.append(rng.next() & 1 == 0 ? magnitude : -magnitude)
        }
        let fast = Poly<Coeff>(context: context, integralCoefficients: values.map(Double.init))
        #expect(fast == Poly<Coeff>(context: context, signedCoefficients: values))
    }
}
