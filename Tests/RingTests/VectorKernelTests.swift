import Testing
import HepexcModArith
import HepexcRing

/// The `CHepexcVector` NTTs against the Swift kernels, at every level this CPU runs.
///
/// Reduced outputs must be identical bit for bit. Lazy outputs are identical too at the 64-bit
/// levels (same Shoup quotients); at the IFMA level (52-bit quotients, moduli below 2^50) they
/// are congruent and in the same range, and so are those of the double-precision FMA kernels
/// (moduli below 2^50 at AVX2, below 2^45 at AVX-512), which reduce fully.
@Suite("Vector NTT kernels = Swift kernels")
struct VectorKernelTests {
    static let bitWidths = [30, 36, 40, 45, 49, 50, 52, 55, 59, 60, 61]
    static let degrees = [16, 32, 64, 2048]

    /// Random values below `bound` with the edges 0, q − 1, bound − 1 (and 2q − 1, 3q when they fit) planted.
    static func input(_ n: Int, q: UInt64, bound: UInt64, rng: inout SplitMix64) -> [UInt64] {
        var a = (0..<n).map { _ in rng.next() % bound }
        let edges: [UInt64] = [0, q - 1, bound - 1, min(2 * q - 1, bound - 1), min(3 * q, bound - 1), 0, q - 1]
        for (i, e) in edges.enumerated() { a[(i * 5 + 1) % n] = e }
        if rng.next() % 4 == 0 { a = [UInt64](repeating: bound - 1, count: n) }
        return a
    }

    static var vectorLevels: [VectorISA] { VectorISA.runnable.filter { $0 != .scalar } }

    static func lazyMatches(_ got: [UInt64], _ want: [UInt64], q: UInt64, bound: UInt64, isa: VectorISA) -> Bool {
        // IFMA: 52-bit quotients; the double-precision FMA kernels reduce fully (q < 2^50 at AVX2,
        // q < 2^45 at AVX-512).
        if q < VectorISA.ifmaModulusBound && (isa != .avx512 || q < 1 << 45) {
            return zip(got, want).allSatisfy { g, w in g < bound && g % q == w % q }
        }
        return got == want
    }

    @Test("Forward NTT (in place and fused copy, reduced and lazy)", arguments: bitWidths)
    func forward(bitWidth: Int) throws {
        var rng = SplitMix64(seed: UInt64(bitWidth) &* 7919)
        for n in Self.degrees {
            let prime = try #require(Modulus.nttPrimes(bitWidth: bitWidth, count: 1, degree: n)?.first)
            let tables = NTTTables(modulus: Modulus(prime), degree: n)
            for _ in 0..<3 {
                let x = Self.input(n, q: prime, bound: 4 * prime, rng: &rng)
                for reduce in [true, false] {
                    var want = x
                    want.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!, reduceOutput: reduce, isa: .scalar) }
                    var wantFused = [UInt64](repeating: 0, count: n)
                    x.withUnsafeBufferPointer { src in
                        wantFused.withUnsafeMutableBufferPointer {
                            tables.forward(from: src.baseAddress!, into: $0.baseAddress!, reduceOutput: reduce, isa: .scalar)
                        }
                    }
                    for isa in Self.vectorLevels {
                        var got = x
                        got.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!, reduceOutput: reduce, isa: isa) }
                        var fused = [UInt64](repeating: 0, count: n)
                        x.withUnsafeBufferPointer { src in
                            fused.withUnsafeMutableBufferPointer {
                                tables.forward(from: src.baseAddress!, into: $0.baseAddress!, reduceOutput: reduce, isa: isa)
                            }
                        }
                        if reduce {
                            #expect(got == want, "forward \(isa) q=\(prime) N=\(n)")
                            #expect(fused == wantFused, "fused forward \(isa) q=\(prime) N=\(n)")
                        } else {
                            #expect(Self.lazyMatches(got, want, q: prime, bound: 4 * prime, isa: isa),
                                    "lazy forward \(isa) q=\(prime) N=\(n)")
                            #expect(Self.lazyMatches(fused, wantFused, q: prime, bound: 4 * prime, isa: isa),
                                    "lazy fused forward \(isa) q=\(prime) N=\(n)")
                        }
                    }
                }
            }
        }
    }

    @Test("Inverse NTT (reduced and lazy)", arguments: bitWidths)
    func inverse(bitWidth: Int) throws {
        var rng = SplitMix64(seed: UInt64(bitWidth) &* 104_729)
        for n in Self.degrees {
            let prime = try #require(Modulus.nttPrimes(bitWidth: bitWidth, count: 1, degree: n)?.first)
            let tables = NTTTables(modulus: Modulus(prime), degree: n)
            for _ in 0..<3 {
                let x = Self.input(n, q: prime, bound: 2 * prime, rng: &rng)
                for reduce in [true, false] {
                    var want = x
                    want.withUnsafeMutableBufferPointer { tables.inverse($0.baseAddress!, reduceOutput: reduce, isa: .scalar) }
                    for isa in Self.vectorLevels {
                        var got = x
                        got.withUnsafeMutableBufferPointer { tables.inverse($0.baseAddress!, reduceOutput: reduce, isa: isa) }
                        if reduce {
                            #expect(got == want, "inverse \(isa) q=\(prime) N=\(n)")
                        } else {
                            #expect(Self.lazyMatches(got, want, q: prime, bound: 2 * prime, isa: isa),
                                    "lazy inverse \(isa) q=\(prime) N=\(n)")
                        }
                    }
                }
            }
        }
    }

    @Test("The dispatcher picks a level the CPU runs and HEPEXC_ISA can only lower it")
    func dispatch() {
        #expect(VectorISA.active <= VectorISA.supported)
        #expect(VectorISA.runnable.first == .scalar && VectorISA.runnable.last == VectorISA.supported)
        #expect(VectorISA.allCases.map(\.description) == ["scalar", "avx2", "avx512", "ifma"])
    }
}
