import Testing
import Foundation
import HepexcCKKS
import HepexcRing

@Suite("CKKS encode, encrypt and evaluate")
struct PrecisionTests {
    @Test("Encode/decode keeps ≥ 25 bits (real and complex)")
    func encodeDecode() throws {
        let fixture = try Fixture(.insecureN1024)
        var values = TestValues(seed: 1)
        let x = values.vector(512), y = values.vector(512)
        let pt = try fixture.encoder.encode(x)
        #expect(precisionBits(fixture.encoder.decode(pt), x) >= 25)
        let complex = try fixture.encoder.encode(real: x, imaginary: y, level: 0)
        let decoded = fixture.encoder.decodeComplex(complex)
        #expect(precisionBits(decoded.real, x) >= 25 && precisionBits(decoded.imaginary, y) >= 25)
    }

    @Test("Slot j holds m(ζ^(5^j)) (canonical embedding, tiny ring)")
    func embedding() throws {
        let fixture = try Fixture(.insecureN16, steps: [])
        let x: [Double] = [0.5, -0.25, 0.125, 1, 0, 0.75, -1, 0.3]
        let pt = try fixture.encoder.encode(x)
        #expect(precisionBits(fixture.encoder.decode(pt), x) >= 20)
        // Known answer: decode m(X) = Σ m_k X^k against a direct evaluation at ζ^(5^j), ζ = e^(iπ/16).
        let m: [Int64] = [3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8, 9, 7, -9, 3]
        let ring = fixture.context.levels[0]
        let plain = Plaintext(poly: Poly<Coeff>(context: ring, signedCoefficients: m).forwardNTT(), scale: 1)
        let decoded = fixture.encoder.decodeComplex(plain)
        var exponent = 1
        for j in 0..<8 {
            var re = 0.0, im = 0.0
            for k in 0..<16 {
                let angle = Double.pi * Double(exponent * k % 32) / 16
                re += Double(m[k]) * cos(angle); im += Double(m[k]) * sin(angle)
            }
            #expect(abs(decoded.real[j] - re) < 1e-9 && abs(decoded.imaginary[j] - im) < 1e-9)
            exponent = exponent * 5 % 32
        }
    }

    @Test("Encode+encrypt in one step equals encode-then-encrypt, bit for bit (both keys)")
    func fusedEncryption() throws {
        var f = try Fixture(.insecureN1024)
        var values = TestValues(seed: 3)
        let x = values.vector(512)
        let pk = f.keygen.publicKey()
        let (context, secretKey) = (f.context, f.keygen.secretKey)
        for make in [{ try Encryptor(context: context, publicKey: pk, seed: 9) },
                     { try Encryptor(context: context, secretKey: secretKey, seed: 9) }] {
            var separate = try make(), fused = try make()
            let expected = separate.encrypt(try f.encoder.encode(x, level: 1))
            let actual = try fused.encrypt(x, encoder: f.encoder, level: 1)
            #expect(actual.polys == expected.polys && actual.scale == expected.scale)
            #expect(precisionBits(f.decrypt(actual), x) >= 25)
        }
    }

    @Test("Encrypt/decrypt, add, subtract, constants", arguments: [1, 2])
    func linear(threads: Int) throws {
        var f = try Fixture(.insecureN1024, threads: threads)
        var values = TestValues(seed: 2)
        let x = values.vector(512), y = values.vector(512)
        let cx = try f.encrypt(x), cy = try f.encrypt(y)
        #expect(precisionBits(f.decrypt(cx), x) >= 25)
        let sum = try f.evaluator.add(cx, cy)
        #expect(precisionBits(f.decrypt(sum), zip(x, y).map(+)) >= 24)
        let diff = try f.evaluator.subtract(cx, try f.encoder.encode(y))
        #expect(precisionBits(f.decrypt(diff), zip(x, y).map(-)) >= 24)
        let shifted = try f.evaluator.add(f.evaluator.negate(cx), constant: 0.5)
        #expect(precisionBits(f.decrypt(shifted), x.map { 0.5 - $0 }) >= 24)
    }

    @Test("Multiply + relinearize + rescale keeps ≥ 18 bits at scale 2^40", arguments: ["seal", "hybrid"])
    func multiply(layout: String) throws {
        var f = try Fixture(layout == "seal" ? .insecureN1024 : .insecureN2048Hybrid)
        var values = TestValues(seed: 3)
        let slots = f.context.parameters.slotCount
        let x = values.vector(slots), y = values.vector(slots)
        let cx = try f.encrypt(x), cy = try f.encrypt(y)
        let product = try f.evaluator.rescale(f.evaluator.multiplyRelinearize(cx, cy))
        #expect(product.level == cx.level - 1 && product.size == 2)
        #expect(precisionBits(f.decrypt(product), zip(x, y).map(*)) >= 18)
        // Second level: square the product.
        let square = try f.evaluator.rescale(f.evaluator.multiplyRelinearize(product, product))
        #expect(precisionBits(f.decrypt(square), zip(x, y).map { ($0 * $1) * ($0 * $1) }) >= 16)
        // ct × pt and ct × constant
        let cp = try f.evaluator.rescale(f.evaluator.multiply(cx, f.encoder.encode(y)))
        #expect(precisionBits(f.decrypt(cp), zip(x, y).map(*)) >= 18)
        let cc = try f.evaluator.rescale(f.evaluator.multiply(cx, constant: -1.5))
        #expect(precisionBits(f.decrypt(cc), x.map { -1.5 * $0 }) >= 18)
        // Size-3 decryption works too.
        let raw = try f.evaluator.multiply(cx, cy)
        #expect(precisionBits(f.decrypt(try f.evaluator.rescale(raw)), zip(x, y).map(*)) >= 18)
    }

    @Test("Rotation moves slots exactly; hoisted rotations agree; conjugation", arguments: ["seal", "hybrid"])
    func rotation(layout: String) throws {
        var f = try Fixture(layout == "seal" ? .insecureN1024 : .insecureN2048Hybrid)
        let slots = f.context.parameters.slotCount
        let x = (0..<slots).map { Double($0) / Double(slots) }
        let cx = try f.encrypt(x)
        for step in [1, -1, 3] {
            let rotated = f.decrypt(try f.evaluator.rotate(cx, by: step))
            let expected = (0..<slots).map { x[(($0 + step) % slots + slots) % slots] }
            #expect(precisionBits(rotated, expected) >= 20)
        }
        let hoisted = try f.evaluator.rotateHoisted(cx, by: [1, -1, 3, 0])
        for step in [1, -1, 3, 0] {
            let expected = (0..<slots).map { x[(($0 + step) % slots + slots) % slots] }
            #expect(precisionBits(f.decrypt(hoisted[step]!), expected) >= 20)
        }
        let cz = f.encryptor.encrypt(try f.encoder.encode(real: x, imaginary: x))
        let conj = f.encoder.decodeComplex(f.decryptor.decrypt(try f.evaluator.conjugate(cz)))
        #expect(precisionBits(conj.imaginary, x.map { -$0 }) >= 20)
        // Rotation after a rescale (lower level) still works.
        let low = try f.evaluator.rescale(f.evaluator.multiply(cx, constant: 1))
        let rotatedLow = f.decrypt(try f.evaluator.rotate(low, by: 1))
        #expect(precisionBits(rotatedLow, (0..<slots).map { x[($0 + 1) % slots] }) >= 18)
    }

    @Test("Multiply-accumulate equals the sum of products")
    func multiplyAccumulate() throws {
        var f = try Fixture(.insecureN1024)
        var values = TestValues(seed: 4)
        let xs = (0..<5).map { _ in values.vector(512) }, ws = (0..<5).map { _ in values.vector(512) }
        let cts = try xs.map { try f.encrypt($0) }
        let pts = try ws.map { try f.encoder.encode($0) }
        let acc = try f.evaluator.rescale(f.evaluator.multiplyAccumulate(cts, pts))
        let expected = (0..<512).map { k in (0..<5).reduce(0.0) { $0 + xs[$1][k] * ws[$1][k] } }
        #expect(precisionBits(f.decrypt(acc), expected) >= 17)
    }

    @Test("Constant multiply-accumulate equals the checked products, word for word, past the reduction chunk")
    func constantMultiplyAccumulate() throws {
        var f = try Fixture(.insecureN1024, steps: [])
        var values = TestValues(seed: 5)
        // 300 terms: more than the 2^(128 − 2·60) = 256 terms a 60-bit prime
        // accumulates before its intermediate reduction; negative constants too.
        let cts = try (0..<300).map { _ in try f.encrypt(values.vector(8)) }
        let constants = (0..<300).map { Double($0 % 7) - 3.25 }
        for parallelism in [Parallelism.serial, Parallelism(threads: 2)] {
            let fused = try #require(Evaluator.multiplyAccumulate(cts, constants: constants, scale: 0x1p20, parallelism: parallelism))
            var expected = try f.evaluator.multiply(cts[0], constant: constants[0], scale: 0x1p20)
            for t in 1..<cts.count {
                expected = try f.evaluator.add(expected, f.evaluator.multiply(cts[t], constant: constants[t], scale: 0x1p20))
            }
            #expect(fused.polys[0].data == expected.polys[0].data && fused.polys[1].data == expected.polys[1].data)
            #expect(fused.scale == expected.scale)
        }
        // Outside the fast path: a constant past 2^63 after scaling, mixed levels.
        #expect(Evaluator.multiplyAccumulate(cts, constants: constants.map { $0 * 0x1p50 }, scale: 0x1p20, parallelism: .serial) == nil)
        let lower = try f.evaluator.dropLevel(cts[1], to: 1)
        #expect(Evaluator.multiplyAccumulate([cts[0], lower], constants: [1, 2], scale: 1, parallelism: .serial) == nil)
    }

    @Test("Mismatches are errors that say what to do")
    func mismatches() throws {
        var f = try Fixture(.insecureN1024, steps: [])
        let a = try f.encrypt([1, 2]), b = try f.encrypt([3], level: 1)
        #expect(throws: HEError.levelMismatch(lhs: 2, rhs: 1)) { try f.evaluator.add(a, b) }
        let message = HEError.levelMismatch(lhs: 2, rhs: 1).description
        #expect(message.contains("dropLevel"))
        let squared = try f.evaluator.multiply(a, a)
        #expect(throws: HEError.self) { try f.evaluator.add(squared, a) }  // scale mismatch
        #expect(throws: HEError.missingGaloisKey(galoisElement: 5)) { try f.evaluator.rotate(a, by: 1) }
        #expect(throws: HEError.invalidCiphertextSize(expected: 2, actual: 3)) { try f.evaluator.multiply(squared, a) }
        let bottom = try f.evaluator.dropLevel(a, to: 0)
        #expect(throws: HEError.levelExhausted(operation: "rescale", level: 0)) { try f.evaluator.rescale(bottom) }
        #expect(throws: HEError.invalidLevel(requested: 1, current: 0)) { try f.evaluator.dropLevel(bottom, to: 1) }
        #expect(precisionBits(f.decrypt(bottom), [1, 2]) >= 20)
        #expect(throws: HEError.tooManyValues(count: 513, slots: 512)) { try f.encoder.encode([Double](repeating: 0, count: 513)) }
        let other = try Fixture(.insecureN4096, steps: [])
        #expect(throws: HEError.parameterMismatch) { try Decryptor(context: other.context, secretKey: f.keygen.secretKey) }
    }
}
