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
}
