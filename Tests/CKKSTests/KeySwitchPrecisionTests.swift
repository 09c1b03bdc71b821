import Foundation
import Testing
@testable import HepexcCKKS
import HepexcRing

/// The key switch's error is what hybrid key switching promises: the rounding of ModDown plus
/// the key's noise term, both with mean zero. Before the fix the ModDown by several special
/// primes kept the fast base conversion's `u·P` (`0 ≤ u < K`) and the ModUp extended uncentered
/// digits, so every coefficient of the error carried a bias — the error polynomial's mean was
/// hundreds of units and the slots near ζ ≈ 1 (which sum the coefficients) showed 5–20× the
/// rounding error: the secure N = 2^15 set (one digit, seven special primes) lost 3–4 bits of
/// precision per rotation (docs/benchmarks.md, "Precision on demand").
@Suite("Key-switch precision (unbiased ModUp and ModDown)")
struct KeySwitchPrecisionTests {
    /// Statistics of `d_0 + d_1·s − c·s²` (the relinearization key switch of a uniform `c`)
    /// over the coefficients, centered mod q_0.
    struct ErrorStatistics {
        var mean: Double
        var rms: Double
    }

    static func switchError(_ literal: CKKSParameters.Literal, level: Int? = nil) throws -> ErrorStatistics {
        let params = try CKKSParameters(literal)
        let context = CKKSContext(parameters: params, threads: 2)
        var keygen = KeyGenerator(context: context, seed: 7)
        let key = keygen.relinearizationKey()
        var rng = SecureRandom(seed: 11)
        let level = level ?? params.maxLevel
        let ring = context.levels[level]
        let n = params.degree
        let c = Sampling.uniform(ring, &rng)
        let s = Poly<Eval>(context: ring, data: Array(keygen.secretKey.poly.data[0..<((level + 1) * n)]))
        let (d0, d1) = context.keySwitch(c, key: key.key)
        let error = (d0 + d1 * s - c * s * s).inverseNTT()
        let q0 = params.ciphertextModuli[0]
        var sum = 0.0, squares = 0.0
        for k in 0..<n {
            let r = error.data[k]
            let v = r > q0 / 2 ? -Double(q0 - r) : Double(r)
            sum += v
            squares += v * v
        }
        return ErrorStatistics(mean: sum / Double(n), rms: (squares / Double(n)).squareRoot())
    }

    /// The standard deviation hybrid key switching promises per coefficient: ModDown's rounding
    /// of c_0 and c_1 (uniform, ±1/2, times ‖s‖ ≈ √(2N/3)) and the noise term Σ_j c_j·e_j / P of
    /// centered digits (|c_j| ≤ Q_j/2, uniform; e with σ = 3.2).
    static func promisedRMS(_ literal: CKKSParameters.Literal, level: Int? = nil) throws -> Double {
        let params = try CKKSParameters(literal)
        let n = Double(params.degree)
        let level = level ?? params.maxLevel
        let rounding = (1.0 / 12).squareRoot() * (1 + 2 * n / 3).squareRoot()
        let logP = params.specialModuli.reduce(0.0) { (sum: Double, p: UInt64) in sum + Foundation.log2(Double(p)) }
        var noise = 0.0
        for j in 0..<params.digitCount {
            let range = params.digitRange(j).clamped(to: 0..<(level + 1))
            guard !range.isEmpty else { continue }
            let logQj = range.reduce(0.0) { (sum: Double, i: Int) in sum + Foundation.log2(Double(params.ciphertextModuli[i])) }
            let term = n.squareRoot() * 3.2 * (1.0 / 12).squareRoot() * Foundation.pow(2.0, logQj - logP)
            noise += term * term
        }
        return (rounding * rounding + noise).squareRoot()
    }

    /// N = 2^12 (insecure, small) layouts with the two failure modes apart and together.
    static let layouts: [(String, CKKSParameters.Literal)] = [
        // ModDown by four primes (P ≫ Q: the ModUp term is negligible).
        ("one digit, 4 special primes", .init(logN: 12, logQ: [60, 40, 40, 40], logP: [60, 60, 60, 60], logScale: 40,
                                                digits: 1, insecure: true)),
        // ModUp of a digit as wide as P (q_0 = 60 bits, one 60-bit special prime).
        ("4 digits, 1 special prime", .init(logN: 12, logQ: [60, 40, 40, 40], logP: [60], logScale: 40,
                                             digits: 4, insecure: true)),
        // Both: Q ≈ P with three special primes (the shape of the secure N = 2^15 set).
        ("one digit, 3 special primes", .init(logN: 12, logQ: [60, 40, 40, 40], logP: [60, 60, 60], logScale: 40,
                                                digits: 1, insecure: true)),
    ]

    @Test("Key-switch error: mean ≈ 0 and rms within 1.5× the promised rounding + noise", arguments: 0..<3)
    func unbiasedSwitch(_ index: Int) throws {
        let (name, literal) = Self.layouts[index]
        for level in [3, 1] {
            let stats = try Self.switchError(literal, level: level)
            let promised = try Self.promisedRMS(literal, level: level)
            // The mean of N = 4096 zero-mean terms with correlated signs (through s): a few units.
            #expect(abs(stats.mean) < 0.1 * promised + 3, "\(name), level \(level): mean \(stats.mean) (rms \(stats.rms))")
            #expect(stats.rms < 1.5 * promised, "\(name), level \(level): rms \(stats.rms) > 1.5 × \(promised)")
        }
    }

    @Test("A rotation adds at most the fresh encryption's error (one digit, 3 special primes, scale 2^40)")
    func rotationPrecision() throws {
        var f = try Fixture(Self.layouts[2].1, steps: [1, 5], threads: 2)
        var values = TestValues(seed: 5)
        let slots = f.context.parameters.slotCount
        let x = values.vector(slots)
        let cx = try f.encrypt(x)
        func maxError(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max() ?? .infinity }
        let fresh = maxError(f.decrypt(cx), x)
        for step in [1, 5] {
            let rotated = try f.evaluator.rotate(cx, by: step)
            let error = maxError(f.decrypt(rotated), (0..<slots).map { x[($0 + step) % slots] })
            #expect(error < 2 * fresh, "rotation by \(step): \(error) vs fresh \(fresh)")
        }
        // Hoisted rotations share the (centered) ModUp.
        let hoisted = try f.evaluator.rotateHoisted(cx, by: [1, 5])
        for step in [1, 5] {
            let error = maxError(f.decrypt(try #require(hoisted[step])), (0..<slots).map { x[($0 + step) % slots] })
            #expect(error < 2 * fresh, "hoisted rotation by \(step): \(error) vs fresh \(fresh)")
        }
    }
}
