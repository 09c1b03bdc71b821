import Testing
import HepexcCKKS

@Suite("CKKS inner product with one relinearization")
struct InnerProductTests {
    @Test("Σ a_i ⊙ b_i relinearized once equals the summed products (≥ 17 bits), size 2", arguments: [1, 3])
    func matchesSummedProducts(terms: Int) throws {
        var f = try Fixture(.insecureN1024)
        var values = TestValues(seed: 11)
        let slots = f.context.parameters.slotCount
        let xs = (0..<terms).map { _ in values.vector(slots) }, ys = (0..<terms).map { _ in values.vector(slots) }
        let cx = try xs.map { try f.encrypt($0) }, cy = try ys.map { try f.encrypt($0) }
        let product = try f.evaluator.rescale(f.evaluator.innerProduct(cx, cy))
        #expect(product.size == 2 && product.level == cx[0].level - 1)
        let expected = (0..<slots).map { j in (0..<terms).reduce(0.0) { $0 + xs[$1][j] * ys[$1][j] } }
        #expect(precisionBits(f.decrypt(product), expected) >= 17)
    }

    @Test("Empty, unequal and mismatched-level lists are errors")
    func badLists() throws {
        var f = try Fixture(.insecureN1024)
        let a = try f.encrypt([0.5]), b = try f.encrypt([0.25])
        #expect(throws: HEError.self) { _ = try f.evaluator.innerProduct([], []) }
        #expect(throws: HEError.self) { _ = try f.evaluator.innerProduct([a, b], [a]) }
        let low = try f.evaluator.rescale(f.evaluator.multiplyRelinearize(a, b))
        #expect(throws: HEError.self) { _ = try f.evaluator.innerProduct([a, low], [b, b]) }
    }
}
