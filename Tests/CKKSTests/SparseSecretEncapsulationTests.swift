import Foundation
import Testing
@testable import HepexcCKKS
import HepexcRing

/// Sparse-secret encapsulation: known answers for each key on tiny insecure parameters, then
/// bootstrapping through it.
@Suite("Sparse-secret encapsulation")
struct SparseSecretEncapsulationTests {
    static let literal = CKKSParameters.Literal(logN: 10, logQ: [55, 50, 50, 60], logScale: 50, insecure: true)

    /// `c_0 + c_1·s'` over the integers (negacyclic, s' sparse).
    static func decryptOverIntegers(_ c0: [Int64], _ c1: [Int64], sparse: [Int64]) -> [Int64] {
        let n = c0.count
        var sum = c0
        for (j, sj) in sparse.enumerated() where sj != 0 {
            for k in 0..<n {
                let t = k + j
                if t < n { sum[t] += sj * c1[k] } else { sum[t - n] -= sj * c1[k] }
            }
        }
        return sum
    }

    @Test("the ephemeral secret has exactly h coefficients, each ±1, at varying positions")
    func fixedWeight() {
        var rng = SecureRandom(seed: 3)
        var seen = Set<Int>()
        for h in [1, 32, 100, 512] {
            let s = Sampling.fixedWeightTernary(degree: 1024, weight: h, &rng)
            #expect(s.filter { $0 != 0 }.count == h)
            #expect(s.allSatisfy { abs($0) <= 1 })
            if h >= 32 { #expect(s.contains(1) && s.contains(-1)) }
            seen.formUnion(s.indices.filter { s[$0] != 0 })
        }
        #expect(seen.count > 500)
    }

    @Test("the dense-to-sparse key lives over q_0·p_0 only; the sparse-to-dense key over Q·P")
    func keyModuli() throws {
        var f = try Fixture(Self.literal, steps: [])
        let keys = try f.keygen.encapsulationKeys(hammingWeight: 32)
        let params = f.context.parameters
        #expect(keys.denseToSparseB.context.moduli.map(\.value) == [params.ciphertextModuli[0], params.specialModuli[0]])
        #expect(keys.sparseToDense.limbCount == params.ciphertextModuli.count + params.specialModuli.count)
        #expect(throws: HEError.self) { try f.keygen.encapsulationKeys(hammingWeight: 0) }
        #expect(throws: HEError.self) { try f.keygen.encapsulationKeys(hammingWeight: 513) }
    }

    @Test("switching to the sparse secret at level 0 keeps the message; the overflow I is at most (h + 1)/2")
    func denseToSparse() throws {
        var f = try Fixture(Self.literal, steps: [])
        let (keys, sparse) = try f.keygen.encapsulation(hammingWeight: 32)
        var values = TestValues(seed: 4)
        let x = values.vector(512)
        let ct = try f.evaluator.dropLevel(f.encrypt(x), to: 0)
        let (c0, c1) = try keys.switchToSparse(ct, context: f.context)
        let q0 = Int64(f.context.parameters.ciphertextModuli[0])
        let sum = Self.decryptOverIntegers(c0, c1, sparse: sparse)
        var message = [Int64](repeating: 0, count: sum.count)
        var worstI: Int64 = 0
        for (k, v) in sum.enumerated() {
            let i = Int64((Double(v) / Double(q0)).rounded())
            message[k] = v - i * q0
            worstI = max(worstI, abs(i))
        }
        #expect(worstI <= 16)
        #expect(worstI >= 1)
        let ring = f.context.levels[0]
        let pt = Plaintext(poly: Poly<Coeff>(context: ring, signedCoefficients: message).forwardNTT(), scale: ct.scale)
        #expect(precisionBits(f.encoder.decode(pt), x) > 30)
    }

    @Test("lifted to the top under s' and switched back to s, the ciphertext decrypts to m + q_0·I (m at level 0)")
    func sparseToDense() throws {
        var f = try Fixture(Self.literal, steps: [])
        let keys = try f.keygen.encapsulationKeys(hammingWeight: 32)
        var values = TestValues(seed: 6)
        let x = values.vector(512)
        let ct = try f.evaluator.dropLevel(f.encrypt(x), to: 0)
        let (c0, c1) = try keys.switchToSparse(ct, context: f.context)
        let top = f.context.levels[f.context.parameters.maxLevel]
        let raised = Ciphertext(polys: [c0, c1].map { Poly<Coeff>(context: top, signedCoefficients: $0).forwardNTT() },
                                scale: ct.scale)
        let dense = keys.switchToDense(raised, context: f.context)
        // At the top it carries q_0·I; modulo q_0 it is the message again.
        #expect(precisionBits(f.decrypt(dense), x) < 1)
        #expect(precisionBits(f.decrypt(try f.evaluator.dropLevel(dense, to: 0)), x) > 30)
    }

    @Test("the sparse-secret EvalMod interpolant (K = 16, r = 2, degree 63), squared twice, is sin(2πx) to 2^-40 on [−16, 16]")
    func evalModInterpolant() {
        let p = BootstrapParameters.standard(logN: 16)
        #expect(p.modulusRange == 16 && p.doubleAngles == 2 && p.chebyshevDegree == 63 && p.ephemeralSecretWeight == 32)
        let k = Double(p.modulusRange)
        let c = EvalMod.chebyshev(degree: p.chebyshevDegree) { t in cos(2 * Double.pi * (k * t - 0.25) / Double(1 << p.doubleAngles)) }
        var worst = 0.0
        for i in 0...4000 {
            let x = -k + 2 * k * Double(i) / 4000
            var y = EvalMod.evaluate(c, at: x / k)
            for _ in 0..<p.doubleAngles { y = 2 * y * y - 1 }
            worst = max(worst, abs(y - sin(2 * Double.pi * x)))
        }
        #expect(worst < 0x1p-40)
    }

    static let small = BootstrapParameters(slots: 512, modulusRange: 16, doubleAngles: 2, chebyshevDegree: 63,
                                           coeffToSlotLevels: 2, slotToCoeffLevels: 2, ephemeralSecretWeight: 32)

    @Test("full-slot bootstrap through encapsulation: ≥ 20 bits worst, no scale-change level, complex slots too")
    func bootstrap() throws {
        let p = Self.small
        #expect(p.scaleChangeLevels == 0 && p.depth == 2 + 9 + 2)
        let literal = CKKSParameters.Literal.bootstrappable(logN: 10, levelsAfter: 2, bootstrap: p, logMessageRatio: 10,
                                                            insecure: true)
        let params = try CKKSParameters(literal)
        var f = try Fixture(literal, steps: try Bootstrapper.rotationSteps(for: p, parameters: params))
        let keys = try f.keygen.encapsulationKeys(hammingWeight: 32)
        let bootstrapper = try Bootstrapper(context: f.context, parameters: p, evaluator: f.evaluator, encapsulationKeys: keys)
        var values = TestValues(seed: 5)
        let re = values.vector(512), im = values.vector(512)
        let ct = try f.evaluator.dropLevel(f.encryptor.encrypt(f.encoder.encode(real: re, imaginary: im)), to: 0)
        let out = try bootstrapper.bootstrap(ct)
        #expect(out.level == 2 && out.level == bootstrapper.levelAfter)
        let decoded = f.encoder.decodeComplex(f.decryptor.decrypt(out))
        let bits = min(precisionBits(decoded.real, re), precisionBits(decoded.imaginary, im))
        print("encapsulated full-slot bootstrap precision (worst) \(bits) bits")
        #expect(bits > 20)
    }

    @Test("bad input: parameters asking for encapsulation without keys, keys of another weight, K below h/2")
    func badInput() throws {
        let p = Self.small
        let literal = CKKSParameters.Literal.bootstrappable(logN: 10, levelsAfter: 2, bootstrap: p, logMessageRatio: 10,
                                                            insecure: true)
        let params = try CKKSParameters(literal)
        var f = try Fixture(literal, steps: try Bootstrapper.rotationSteps(for: p, parameters: params))
        do {
            _ = try Bootstrapper(context: f.context, parameters: p, evaluator: f.evaluator)
            Issue.record("expected a missing-encapsulation-keys error")
        } catch let error as HEError {
            #expect("\(error)".contains("encapsulationKeys(hammingWeight: 32)"))
        }
        let other = try f.keygen.encapsulationKeys(hammingWeight: 16)
        #expect(throws: HEError.self) {
            try Bootstrapper(context: f.context, parameters: p, evaluator: f.evaluator, encapsulationKeys: other)
        }
        var wide = p
        wide.ephemeralSecretWeight = 64
        #expect(throws: HEError.self) { try wide.validate(for: params) }
        wide.ephemeralSecretWeight = 0
        #expect(throws: HEError.self) { try wide.validate(for: params) }
    }
}
