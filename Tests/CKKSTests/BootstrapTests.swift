import Foundation
import Testing
@testable import HepexcCKKS
import HepexcRing

/// Known-answer tests for each stage of bootstrapping, then end-to-end precision,
/// on small insecure parameters.
@Suite("Bootstrapping")
struct BootstrapTests {
    /// z_j = Σ_t w_t ξ^(5^j·t), ξ = e^(iπ/2n): the decoding matrix, evaluated directly.
    static func decodeDirect(_ w: [Complex]) -> [Complex] {
        let n = w.count
        var z = [Complex](repeating: .zero, count: n)
        var power = 1
        for j in 0..<n {
            for t in 0..<n {
                let angle = Double.pi * Double(power * t % (4 * n)) / Double(2 * n)
                z[j] += w[t] * Complex(cos(angle), sin(angle))
            }
            power = power * 5 % (4 * n)
        }
        return z
    }

    static func bitReversed(_ w: [Complex]) -> [Complex] {
        let bits = w.count.trailingZeroBitCount
        return (0..<w.count).map { w[bitReverse($0, bits: bits)] }
    }

    static func randomComplex(_ n: Int, seed: UInt64) -> [Complex] {
        var values = TestValues(seed: seed)
        return (0..<n).map { _ in Complex(values.next(), values.next()) }
    }

    static func maxError(_ a: [Complex], _ b: [Complex]) -> Double {
        zip(a, b).map { ($0 - $1).magnitude }.max() ?? 0
    }

    @Test("SlotToCoeff factors multiply out to the decoding matrix on bit-reversed input", arguments: [(16, 1), (16, 2), (32, 3), (64, 6)])
    func slotToCoeffMatchesDecoding(n: Int, levels: Int) {
        let w = Self.randomComplex(n, seed: 7)
        var x = Self.bitReversed(w)
        for factor in HomomorphicDFT.slotToCoeff(slots: n, levels: levels, ringSlots: n, constant: 1) {
            x = factor.apply(x)
        }
        #expect(Self.maxError(x, Self.decodeDirect(w)) < 1e-12)
    }

    @Test("CoeffToSlot (full slots) gives Re and Im of the bit-reversed coefficients through A + conj(A)", arguments: [1, 2, 3])
    func coeffToSlotFull(levels: Int) {
        let n = 32
        let w = Self.randomComplex(n, seed: 11)
        var a = Self.decodeDirect(w)
        for factor in HomomorphicDFT.coeffToSlot(slots: n, levels: levels, ringSlots: n) { a = factor.apply(a) }
        let expected = Self.bitReversed(w)
        let real = a.map { Complex(2 * $0.re) }
        let imaginary = a.map { x -> Complex in let y = x * Complex(0, -1); return Complex(2 * y.re) }
        #expect(Self.maxError(real, expected.map { Complex($0.re) }) < 1e-12)
        #expect(Self.maxError(imaginary, expected.map { Complex($0.im) }) < 1e-12)
    }

    @Test("sparse CoeffToSlot then SlotToCoeff: [Re W | Im W] in one vector of doubled period, and back")
    func sparseTransforms() {
        let n = 16
        let w = Self.randomComplex(n, seed: 3)
        let z = Self.decodeDirect(w)
        var a = z + z  // period n replicated over 2n slots
        for factor in HomomorphicDFT.coeffToSlot(slots: n, levels: 2, ringSlots: 4 * n) { a = factor.apply(a) }
        let y = a.map { Complex(2 * $0.re) }
        let wb = Self.bitReversed(w)
        #expect(Self.maxError(y, wb.map { Complex($0.re) } + wb.map { Complex($0.im) }) < 1e-12)
        var back = y
        for factor in HomomorphicDFT.slotToCoeff(slots: n, levels: 2, ringSlots: 4 * n, constant: 1) { back = factor.apply(back) }
        #expect(Self.maxError(back, z + z) < 1e-12)
    }

    @Test("the default EvalMod interpolant, squared r times, is sin(2πx) to 2^-30 on [−K, K]")
    func evalModInterpolant() {
        let p = BootstrapParameters(slots: 1 << 15)
        let k = Double(p.modulusRange)
        let c = EvalMod.chebyshev(degree: p.chebyshevDegree) { t in cos(2 * Double.pi * (k * t - 0.25) / Double(1 << p.doubleAngles)) }
        var worst = 0.0
        for i in 0...4000 {
            let x = -k + 2 * k * Double(i) / 4000 + 0.001
            var y = EvalMod.evaluate(c, at: x / k)
            for _ in 0..<p.doubleAngles { y = 2 * y * y - 1 }
            worst = max(worst, abs(y - sin(2 * Double.pi * x)))
        }
        #expect(worst < 0x1p-30)
    }

    static let small = BootstrapParameters(slots: 512, modulusRange: 64, doubleAngles: 1, chebyshevDegree: 255,
                                           coeffToSlotLevels: 2, slotToCoeffLevels: 2)
    static func literal(_ p: BootstrapParameters) -> CKKSParameters.Literal {
        .bootstrappable(logN: 10, levelsAfter: 2, bootstrap: p, logMessageRatio: 10, insecure: true)
    }

    @Test("EvalMod on known inputs: I + ε ↦ sin(2π(I + ε))")
    func evalModKnownInputs() throws {
        let p = Self.small
        var f = try Fixture(Self.literal(p), steps: [])
        let k = Double(p.modulusRange)
        let xs: [Double] = (0..<512).map { (i: Int) -> Double in
            let integer = Double(i % 41 - 20), fraction = Double(i % 7 - 3) * 0.01
            return integer + fraction
        }
        let top = f.context.parameters.maxLevel
        let evalMod = EvalMod(evaluator: f.evaluator, inputLevel: top, parameters: p)
        let pt = try f.encoder.encode(xs.map { $0 / k }, scale: evalMod.scales[top], level: top)
        let out = try evalMod.apply(f.encryptor.encrypt(pt))
        #expect(out.level == top - p.evalModDepth)
        let expected = xs.map { sin(2 * Double.pi * $0) }
        #expect(precisionBits(f.decrypt(out), expected) > 25)
    }

    @Test("full-slot bootstrap of real values in [−1, 1] keeps ≥ 16 bits and lands on levelAfter")
    func fullSlotBootstrap() throws {
        let p = Self.small
        let params = try CKKSParameters(Self.literal(p))
        var f = try Fixture(Self.literal(p), steps: try Bootstrapper.rotationSteps(for: p, parameters: params))
        let bootstrapper = try Bootstrapper(context: f.context, parameters: p, evaluator: f.evaluator)
        var values = TestValues(seed: 5)
        let x = values.vector(512)
        let ct = try f.evaluator.dropLevel(f.encrypt(x), to: 0)
        let out = try bootstrapper.bootstrap(ct)
        #expect(out.level == bootstrapper.levelAfter)
        #expect(out.level == 2)
        let bits = precisionBits(f.decrypt(out), x)
        print("full-slot bootstrap precision (worst) \(bits) bits")
        #expect(bits > 16)
    }

    @Test("sparse-slot bootstrap (64 of 512 slots, replicated input) keeps ≥ 16 bits and the replication")
    func sparseSlotBootstrap() throws {
        var p = Self.small
        p.slots = 64
        let params = try CKKSParameters(Self.literal(p))
        let steps = try Bootstrapper.rotationSteps(for: p, parameters: params)
        #expect(steps.contains(64) && steps.contains(128) && steps.contains(256))
        var f = try Fixture(Self.literal(p), steps: steps)
        let bootstrapper = try Bootstrapper(context: f.context, parameters: p, evaluator: f.evaluator)
        var values = TestValues(seed: 9)
        let x = values.vector(64)
        let replicated = Array((0..<8).map { _ in x }.joined())
        let out = try bootstrapper.bootstrap(try f.evaluator.dropLevel(f.encrypt(replicated), to: 0))
        #expect(out.level == bootstrapper.levelAfter)
        let bits = precisionBits(f.decrypt(out), replicated)
        print("sparse-slot bootstrap precision (worst) \(bits) bits")
        #expect(bits > 16)
    }

    @Test("complex slots survive a full-slot bootstrap")
    func complexSlots() throws {
        let p = Self.small
        let params = try CKKSParameters(Self.literal(p))
        var f = try Fixture(Self.literal(p), steps: try Bootstrapper.rotationSteps(for: p, parameters: params))
        let bootstrapper = try Bootstrapper(context: f.context, parameters: p, evaluator: f.evaluator)
        var values = TestValues(seed: 21)
        let re = values.vector(512), im = values.vector(512)
        let pt = try f.encoder.encode(real: re, imaginary: im)
        let ct = try f.evaluator.dropLevel(f.encryptor.encrypt(pt), to: 0)
        let out = f.encoder.decodeComplex(f.decryptor.decrypt(try bootstrapper.bootstrap(ct)))
        #expect(precisionBits(out.real, re) > 16)
        #expect(precisionBits(out.imaginary, im) > 16)
    }

    @Test("bad input: a chain too short, a missing rotation or conjugation key, a size-3 or over-scaled ciphertext")
    func badInput() throws {
        let p = Self.small
        let short = CKKSParameters.Literal(logN: 10, logQ: [60] + Array(repeating: 50, count: 8), logScale: 50, insecure: true)
        #expect(throws: HEError.self) { try p.validate(for: CKKSParameters(short)) }
        do {
            try p.validate(for: CKKSParameters(short))
        } catch let error as HEError {
            #expect("\(error)".contains("needs \(p.depth) levels"))
        }
        var f = try Fixture(Self.literal(p), steps: [1])
        #expect(throws: HEError.self) { try Bootstrapper(context: f.context, parameters: p, evaluator: f.evaluator) }
        let params = try CKKSParameters(Self.literal(p))
        let steps = try Bootstrapper.rotationSteps(for: p, parameters: params)
        let keys = f.keygen.galoisKeys(steps: steps, conjugation: false)
        let noConjugation = try f.evaluator.withKeys(relinearizationKey: f.evaluator.relinearizationKey, galoisKeys: keys)
        do {
            _ = try Bootstrapper(context: f.context, parameters: p, evaluator: noConjugation)
            Issue.record("expected a missing-conjugation-key error")
        } catch let error as HEError {
            #expect("\(error)".contains("conjugation"))
        }
        let all = f.keygen.galoisKeys(steps: steps, conjugation: true)
        let full = try f.evaluator.withKeys(relinearizationKey: f.evaluator.relinearizationKey, galoisKeys: all)
        let bootstrapper = try Bootstrapper(context: f.context, parameters: p, evaluator: full)
        let ct = try f.encrypt([0.5])
        let squared = try full.multiply(ct, ct)
        #expect(throws: HEError.invalidCiphertextSize(expected: 2, actual: 3)) { try bootstrapper.bootstrap(squared) }
        var overScaled = ct
        overScaled.scale = 0x1p58
        #expect(throws: HEError.self) { try bootstrapper.bootstrap(overScaled) }
        var wrongSlots = p
        wrongSlots.slots = 3
        #expect(throws: HEError.self) { try wrongSlots.validate(for: params) }
    }

    @Test("the default parameters: encapsulation (h = 32), K = 16, r = 2, depth 15, 4 levels after, 128-bit secure at N = 2^16")
    func defaultParameters() throws {
        let settings = BootstrapParameters.standard(logN: 16)
        #expect(settings.slots == 1 << 15 && settings.modulusRange == 16 && settings.doubleAngles == 2)
        #expect(settings.ephemeralSecretWeight == 32 && settings.chebyshevDegree == 63)
        #expect(settings.depth == 15)
        let params = try CKKSParameters(.bootstrapN16)
        #expect(!params.literal.insecure)
        #expect(params.logQP <= CKKSParameters.maxLogQP[16] ?? 0)
        #expect(params.maxLevel - settings.depth == 4)
        try settings.validate(for: params)
        let uniform = BootstrapParameters.standard(logN: 16, sparseSecretEncapsulation: false)
        #expect(uniform.modulusRange == 512 && uniform.doubleAngles == 4 && uniform.depth == 20)
        #expect(uniform.ephemeralSecretWeight == nil)
    }
}
