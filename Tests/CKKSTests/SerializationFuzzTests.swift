import Foundation
import HepexcCKKS
import Testing

/// Mutated parameter, ciphertext and key files give thrown errors, never a
/// crash or an unbounded allocation (issue 14; `HEPEXC_FUZZ_ITERATIONS`,
/// default 60 per object, `scripts/fuzz.sh` for long runs).
@Suite struct SerializationFuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["HEPEXC_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 60

    /// Byte flips, truncations and duplicated chunks (fixed-seed LCG).
    static func mutations(of seed: [UInt8], count: Int, salt: UInt64) -> [[UInt8]] {
        var state = 0x5EED ^ salt
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return bound <= 0 ? 0 : Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in
            var bytes = seed
            switch next(3) {
            case 0:
                for _ in 0..<(1 + next(8)) where !bytes.isEmpty { bytes[next(bytes.count)] = UInt8(truncatingIfNeeded: next(256)) }
            case 1:
                bytes = Array(bytes.prefix(next(bytes.count + 1)))
            default:
                let start = next(bytes.count), end = min(bytes.count, start + 1 + next(64))
                if start < end { bytes.insert(contentsOf: bytes[start..<end], at: next(bytes.count + 1)) }
            }
            return bytes
        }
    }

    @Test func mutatedObjectsAreRefusedOrValid() throws {
        var fixture = try Fixture(.insecureN1024)
        let parameters = try CKKSParameters(.insecureN1024).serialized()
        let ciphertext = try fixture.encrypt([0.5, -0.25]).serialized(context: fixture.context)
        let key = fixture.keygen.relinearizationKey().serialized(context: fixture.context)
        var refused = 0
        for bytes in Self.mutations(of: parameters, count: Self.iterations, salt: 1) {
            do { _ = try CKKSParameters(deserializing: bytes) } catch { refused += 1 }
        }
        for bytes in Self.mutations(of: ciphertext, count: Self.iterations, salt: 2) {
            do { _ = try Ciphertext(deserializing: bytes, context: fixture.context) } catch { refused += 1 }
        }
        for bytes in Self.mutations(of: key, count: Self.iterations, salt: 3) {
            do { _ = try RelinearizationKey(deserializing: bytes, context: fixture.context) } catch { refused += 1 }
        }
        #expect(refused > 0)
    }
}
