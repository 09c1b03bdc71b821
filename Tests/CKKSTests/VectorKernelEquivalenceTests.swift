import Testing
import HepexcCKKS
import HepexcRing

/// Whole CKKS operations give the same ciphertext words at every kernel level this CPU runs
/// (`VectorISA.override`; one thread, so the override reaches every kernel). Q mixes a 60-bit
/// prime (64-bit AVX-512 path) with 40-bit ones (IFMA path, 52-bit NTT and inner product).
@Suite("CKKS at every vector kernel level = scalar, bit for bit")
struct VectorKernelEquivalenceTests {
    static let layouts: [CKKSParameters.Literal] = [
        .init(logN: 10, logQ: [60, 40, 40, 40], logP: [60], logScale: 40, digits: 4, insecure: true),
        .init(logN: 10, logQ: [60, 40, 40, 40], logP: [50, 50], logScale: 40, digits: 2, insecure: true),
    ]

    @Test("mul+relin, rescale, rotate and hoisted rotations", arguments: 0..<2)
    func equivalence(layout: Int) throws {
        var f = try Fixture(Self.layouts[layout], steps: [1, -3, 5])
        let slots = f.context.parameters.slotCount
        var values = TestValues(seed: 17 + UInt64(layout))
        let x = values.vector(slots), y = values.vector(slots)
        let cx = try f.encrypt(x), cy = try f.encrypt(y)
        let evaluator = f.evaluator
        func run() throws -> [Ciphertext] {
            let product = try evaluator.rescale(try evaluator.multiplyRelinearize(cx, cy))
            let rotated = try evaluator.rotate(cx, by: 1)
            let hoisted = try evaluator.rotateHoisted(cy, by: [-3, 5])
            return [product, rotated] + [-3, 5].compactMap { hoisted[$0] }
        }
        let scalar = try VectorISA.$override.withValue(.scalar) { try run() }
        #expect(scalar.count == 4)
        // The reference is right (so equality below is not vacuous): x·y and x rotated by 1.
        let productError = zip(f.decrypt(scalar[0]), zip(x, y).map(*)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(productError < 1e-4, "scalar mul+relin error \(productError)")
        let rotateError = zip(f.decrypt(scalar[1]), (0..<slots).map { x[($0 + 1) % slots] }).map { abs($0 - $1) }.max() ?? .infinity
        #expect(rotateError < 1e-4, "scalar rotate error \(rotateError)")
        for level in VectorISA.runnable where level != .scalar {
            let vector = try VectorISA.$override.withValue(level) { try run() }
            #expect(vector.map { $0.polys.map(\.data) } == scalar.map { $0.polys.map(\.data) },
                    "level \(level), layout \(layout)")
        }
    }

    /// Σ ct_t ⊙ pt_t over more terms than one IFMA accumulation chunk (2^(50−40) = 1024 terms
    /// for the 40-bit limbs), so the in-between fold runs too: the same words at every level.
    @Test("ct·pt multiply-accumulate past the fold")
    func multiplyAccumulate() throws {
        var f = try Fixture(Self.layouts[0], steps: [])
        let slots = f.context.parameters.slotCount
        var values = TestValues(seed: 23)
        let terms = 1100
        let x = values.vector(slots)
        let input = try f.encrypt(x)
        let ciphertexts = Array(repeating: input, count: terms)
        let weights = (0..<terms).map { _ in values.vector(slots).map { $0 / Double(terms) } }
        let plaintexts = try weights.map { try f.encoder.encode($0, scale: f.context.parameters.defaultScale, level: input.level) }
        let scalar = try VectorISA.$override.withValue(.scalar) { try f.evaluator.multiplyAccumulate(ciphertexts, plaintexts) }
        let expected = (0..<slots).map { k in weights.reduce(0) { $0 + $1[k] } * x[k] }
        let error = zip(f.decrypt(try f.evaluator.rescale(scalar)), expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error < 1e-3, "scalar multiply-accumulate error \(error)")
        for level in VectorISA.runnable where level != .scalar {
            let vector = try VectorISA.$override.withValue(level) { try f.evaluator.multiplyAccumulate(ciphertexts, plaintexts) }
            #expect(vector.polys.map(\.data) == scalar.polys.map(\.data), "level \(level)")
        }
    }
}
