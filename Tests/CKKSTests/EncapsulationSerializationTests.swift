import Foundation
import Testing
@testable import HepexcCKKS

/// The encapsulation keys as files ("HXEN": round trip, hostile bytes) and the
/// bootstrap transforms shared by two key owners (tiny INSECURE ring: tests only).
@Suite("Encapsulation keys serialized, shared bootstrap transforms")
struct EncapsulationSerializationTests {
    static let settings = SparseSecretEncapsulationTests.small

    static func fixture(seed: UInt64) throws -> Fixture {
        let literal = CKKSParameters.Literal.bootstrappable(logN: 10, levelsAfter: 2, bootstrap: settings, logMessageRatio: 10,
                                                            insecure: true)
        let params = try CKKSParameters(literal)
        return try Fixture(literal, steps: try Bootstrapper.rotationSteps(for: settings, parameters: params), seed: seed)
    }

    /// The worst precision (bits) of one bootstrap of random slots through `bootstrapper`.
    static func bootstrapBits(_ f: inout Fixture, _ bootstrapper: Bootstrapper, seed: UInt64) throws -> Double {
        var values = TestValues(seed: seed)
        let x = values.vector(512)
        let ct = try f.evaluator.dropLevel(f.encrypt(x), to: 0)
        return precisionBits(f.decrypt(try bootstrapper.bootstrap(ct)), x)
    }

    @Test("round trip: the same bytes again, and bootstrapping with the loaded keys keeps ≥ 20 bits")
    func roundTrip() throws {
        var f = try Self.fixture(seed: 11)
        let keys = try f.keygen.encapsulationKeys(hammingWeight: 32)
        let bytes = keys.serialized(context: f.context)
        let loaded = try EncapsulationKeys(deserializing: bytes, context: f.context)
        #expect(loaded.hammingWeight == 32 && loaded.byteCount == keys.byteCount)
        #expect(loaded.serialized(context: f.context) == bytes)
        let bootstrapper = try Bootstrapper(context: f.context, parameters: Self.settings, evaluator: f.evaluator,
                                            encapsulationKeys: loaded)
        let bits = try Self.bootstrapBits(&f, bootstrapper, seed: 12)
        #expect(bits > 20, "\(bits) bits")
    }

    @Test("hostile bytes: truncated, another kind, other parameters, a weight outside 1…N/2, unreduced residues, a short key")
    func hostileBytes() throws {
        var f = try Self.fixture(seed: 13)
        let context = f.context
        let bytes = try f.keygen.encapsulationKeys(hammingWeight: 32).serialized(context: context)
        let relinearization = f.keygen.relinearizationKey().serialized(context: context)
        let payload = try Container.decode(bytes, expecting: .encapsulationKeys, parameterHash: context.hash)
        func reencoded(_ change: (inout [UInt64]) -> Void) -> [UInt8] {
            var words = payload
            change(&words)
            return Container.encode(.encapsulationKeys, parameterHash: context.hash, payload: words)
        }
        let n = context.parameters.degree
        let q0 = context.parameters.ciphertextModuli[0]
        let cases: [(String, [UInt8])] = [
            ("truncated", Array(bytes.dropLast(8))), ("empty", []),
            ("relinearization key", relinearization),
            ("weight 0", reencoded { $0[0] = 0 }), ("weight N/2 + 1", reencoded { $0[0] = UInt64(n / 2 + 1) }),
            ("weight 2^64 − 1", reencoded { $0[0] = .max }),
            ("unreduced b", reencoded { $0[1] = q0 }),
            ("short sparse-to-dense key", reencoded { $0.removeLast() }),
            ("trailing word", reencoded { $0.append(0) }),
        ]
        for (label, hostile) in cases {
            do {
                _ = try EncapsulationKeys(deserializing: hostile, context: context)
                Issue.record("\(label): accepted")
            } catch let error as HEError {
                #expect(!"\(error)".contains("\n"), "\(label): \(error)")
            }
        }
        let other = try CKKSParameters(.init(logN: 10, logQ: [55, 50, 60], logScale: 50, insecure: true))
        #expect(throws: HEError.self) {
            try EncapsulationKeys(deserializing: bytes, context: CKKSContext(parameters: other))
        }
    }

    @Test("one set of encoded transforms serves two key owners; each bootstraps to ≥ 20 bits with its own keys")
    func sharedTransforms() throws {
        var alice = try Self.fixture(seed: 21)
        var bob = try Self.fixture(seed: 22)
        let transforms = try BootstrapTransforms(context: alice.context, parameters: Self.settings)
        #expect(transforms.plaintextBytes > 0)
        let aliceKeys = try alice.keygen.encapsulationKeys(hammingWeight: 32)
        let bobKeys = try bob.keygen.encapsulationKeys(hammingWeight: 32)
        let forAlice = try Bootstrapper(transforms: transforms, evaluator: alice.evaluator, encapsulationKeys: aliceKeys)
        let forBob = try Bootstrapper(transforms: transforms, evaluator: bob.evaluator, encapsulationKeys: bobKeys)
        #expect(forAlice.transforms === forBob.transforms)
        let aliceBits = try Self.bootstrapBits(&alice, forAlice, seed: 23)
        let bobBits = try Self.bootstrapBits(&bob, forBob, seed: 24)
        #expect(aliceBits > 20 && bobBits > 20, "\(aliceBits), \(bobBits) bits")
        // Another owner's encapsulation keys give garbage, and none at all is refused.
        let crossed = try Bootstrapper(transforms: transforms, evaluator: bob.evaluator, encapsulationKeys: aliceKeys)
        var values = TestValues(seed: 25)
        let x = values.vector(512)
        let garbage = bob.decrypt(try crossed.bootstrap(try bob.evaluator.dropLevel(bob.encrypt(x), to: 0)))
        #expect(zip(garbage, x).contains { !(abs($0 - $1) < 0.1) })
        #expect(throws: HEError.self) { try Bootstrapper(transforms: transforms, evaluator: bob.evaluator) }
    }
}
