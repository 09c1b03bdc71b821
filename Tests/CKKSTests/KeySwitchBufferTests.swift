import Testing
@testable import HepexcCKKS
import HepexcRing

/// Key switching with pooled, reused temporaries (issue 17): the fused paths (the switch
/// accumulated straight into the output ciphertext) give the same words as the key switch
/// returning `(d_0, d_1)` added afterwards (the previous code path),
/// reused (dirty) buffers change nothing, concurrent callers get their own buffers, and the pool
/// keeps no more than its limit.
@Suite("Key-switch scratch buffers")
struct KeySwitchBufferTests {
    static let layout = CKKSParameters.Literal(logN: 10, logQ: [60, 40, 40, 40], logP: [60], logScale: 40,
                                               digits: 4, insecure: true)

    @Test("Fused relinearization and rotation = unfused, bit for bit, with reused buffers")
    func fusedEqualsUnfused() throws {
        var f = try Fixture(Self.layout, steps: [1, 5])
        let slots = f.context.parameters.slotCount
        var values = TestValues(seed: 99)
        let x = values.vector(slots), y = values.vector(slots)
        let cx = try f.encrypt(x), cy = try f.encrypt(y)
        let e = f.evaluator
        let fused = try e.multiplyRelinearize(cx, cy)
        let unfused = try e.relinearize(try e.multiply(cx, cy))
        #expect(fused.polys.map(\.data) == unfused.polys.map(\.data))
        // The unfused reference: d = keySwitch(c2) materialised, then added.
        let tensor = try e.multiply(cx, cy)
        let (d0, d1) = f.context.keySwitch(tensor.polys[2], key: try #require(e.relinearizationKey).key)
        #expect(fused.polys[0].data == (tensor.polys[0] + d0).data)
        #expect(fused.polys[1].data == (tensor.polys[1] + d1).data)
        let error = zip(f.decrypt(fused), zip(x, y).map(*)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error < 1e-4, "mul+relin error \(error)")
        // Rotation: σ(c_1) in a pooled array, d_0 added in place = the materialised reference.
        let rotated = try e.rotate(cx, by: 1)
        let g = Automorphism.rotationElement(steps: 1, degree: f.context.parameters.degree)
        let automorphism = try #require(e.automorphisms[g]), galois = try #require(e.galoisKeys?.keys[g])
        let (r0, r1) = f.context.keySwitch(cx.polys[1].applying(automorphism), key: galois)
        #expect(rotated.polys[0].data == (cx.polys[0].applying(automorphism) + r0).data)
        #expect(rotated.polys[1].data == r1.data)
        // Hoisted: the same against its own materialised reference.
        let hoisted = try e.rotateHoisted(cx, by: [1, 5])
        let (h0, h1) = f.context.keySwitch(f.context.decompose(cx.polys[1]), key: galois, automorphism: automorphism)
        #expect(hoisted[1]?.polys[0].data == (cx.polys[0].applying(automorphism) + h0).data)
        #expect(hoisted[1]?.polys[1].data == h1.data)
        let rotateError = zip(f.decrypt(rotated), (0..<slots).map { x[($0 + 1) % slots] }).map { abs($0 - $1) }.max() ?? .infinity
        #expect(rotateError < 1e-4, "rotate error \(rotateError)")
        // Again, now that the pool holds dirty buffers of every size: identical words.
        #expect(f.context.scratchPool.heldWords > 0)
        for _ in 0..<2 {
            #expect(try e.multiplyRelinearize(cx, cy).polys.map(\.data) == fused.polys.map(\.data))
            #expect(try e.rotate(cx, by: 1).polys.map(\.data) == rotated.polys.map(\.data))
        }
        // At a lower level (other buffer sizes) too.
        let low = try e.rescale(fused)
        let lowProduct = try e.multiplyRelinearize(low, low)
        #expect(lowProduct.polys.map(\.data) == (try e.relinearize(try e.multiply(low, low))).polys.map(\.data))
    }

    @Test("Concurrent key switches from a parallel loop = serial ones")
    func concurrent() throws {
        var f = try Fixture(Self.layout, steps: [1], threads: 2)
        var values = TestValues(seed: 7)
        let slots = f.context.parameters.slotCount
        let cts = try (0..<6).map { _ in try f.encrypt(values.vector(slots)) }
        let e = f.evaluator
        let serial = try cts.map { try e.rotate(try e.multiplyRelinearize($0, $0), by: 1) }
        let parallel = try Parallelism(threads: 2).map(cts) { try e.rotate(try e.multiplyRelinearize($0, $0), by: 1) }
        #expect(parallel.map { $0.polys.map(\.data) } == serial.map { $0.polys.map(\.data) })
        #expect(f.context.scratchPool.heldWords <= f.context.scratchPool.limitWords)
    }

    @Test("The pool reuses arrays by length and keeps at most its limit")
    func poolLimit() {
        let pool = ScratchPool(limitWords: 100)
        var a = pool.take(60)
        a[0] = 42
        pool.give(a)
        #expect(pool.heldWords == 60)
        let b = pool.take(60)
        #expect(b[0] == 42, "the freed array is handed out again")
        #expect(pool.heldWords == 0)
        let fresh = pool.take(60)
        pool.give(b)
        pool.give(fresh)  // a second 60-word array would exceed 100 words: not kept
        #expect(pool.heldWords == 60)
        pool.give([UInt64](repeating: 0, count: 40))
        #expect(pool.heldWords == 100)
        #expect(pool.take(7).count == 7)
    }
}
