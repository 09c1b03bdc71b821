import Testing
import HepexcCKKS

/// Key switching over a grid of (level, digits, special primes): relinearization, rotation and
/// hoisted rotation decrypt to the expected values for every combination. Small insecure rings
/// (N = 2^10, tests only); Q = [60, 40, 40, 40, 40] so that every digit count 1, 2, 3, 5 occurs,
/// with full-width, partial and single-prime digits, and 1 to 4 special primes.
@Suite("Key switching over (level, digits, special primes)")
struct KeySwitchGridTests {
    struct Layout: CustomStringConvertible, Sendable {
        var digits: Int
        var specialPrimes: Int
        var description: String { "\(digits) digit(s), \(specialPrimes) special prime(s)" }

        static let logQ = [60, 40, 40, 40, 40]

        /// Bits per special prime: the widest digit's bits split evenly (the literal adds a spare bit,
        /// within 20…60 bits: N = 2^10 has too few smaller NTT primes).
        var specialPrimeBits: Int {
            let alpha = (Self.logQ.count + digits - 1) / digits
            let widest = stride(from: 0, to: Self.logQ.count, by: alpha)
                .map { Self.logQ[$0..<min($0 + alpha, Self.logQ.count)].reduce(0, +) }.max()!
            return (widest + specialPrimes - 1) / specialPrimes
        }

        var literal: CKKSParameters.Literal {
            .init(logN: 10, logQ: Self.logQ, logP: Array(repeating: min(60, max(20, specialPrimeBits + 1)), count: specialPrimes),
                  logScale: 40, digits: digits, insecure: true)
        }

        /// Every (digits, special primes) whose special primes need at most 60 bits.
        static let all: [Layout] = [1, 2, 3, 5].flatMap { digits in
            (1...4).map { Layout(digits: digits, specialPrimes: $0) }.filter { $0.specialPrimeBits <= 60 }
        }
    }

    @Test("The grid covers every digit count and 1…4 special primes")
    func gridShape() throws {
        #expect(Layout.all.count == 10)
        #expect(Set(Layout.all.map(\.digits)) == [1, 2, 3, 5])
        #expect(Set(Layout.all.map(\.specialPrimes)) == [1, 2, 3, 4])
        for layout in Layout.all {
            let parameters = try CKKSParameters(layout.literal)
            #expect(parameters.digitCount == layout.digits && parameters.specialModuli.count == layout.specialPrimes,
                    "\(layout): got \(parameters)")
        }
    }

    @Test("Relinearize and rotate decrypt correctly at every level", arguments: Layout.all)
    func keySwitching(_ layout: Layout) throws {
        let steps = [1, -3]
        var f = try Fixture(layout.literal, steps: steps)
        let slots = f.context.parameters.slotCount
        var values = TestValues(seed: UInt64(10 * layout.digits + layout.specialPrimes))
        let x = values.vector(slots), y = values.vector(slots)
        for level in [4, 2, 1, 0] {
            // Relinearization: inputs at scale 2^25 so the product (2^50) fits q_0 even at level 0.
            let cx = f.encryptor.encrypt(try f.encoder.encode(x, scale: 0x1p25, level: level))
            let cy = f.encryptor.encrypt(try f.encoder.encode(y, scale: 0x1p25, level: level))
            let tensor = try f.evaluator.multiply(cx, cy)
            let relinearized = try f.evaluator.relinearize(tensor)
            #expect(relinearized.size == 2 && relinearized.level == level)
            // Against the exact product (encryption noise at 2^25 dominates), and tightly against
            // the size-3 tensor before relinearization (what key switching itself adds).
            let decrypted = f.decrypt(relinearized)
            let error = maxError(decrypted, zip(x, y).map(*))
            #expect(error < 2e-3, "\(layout), level \(level): relinearize error \(error)")
            let added = maxError(decrypted, f.decrypt(tensor))
            #expect(added < 1e-6, "\(layout), level \(level): relinearization added error \(added)")

            // Rotation at scale 2^40 (fits q_0 = 60 bits), single and hoisted.
            let cz = try f.encrypt(x, level: level)
            let hoisted = try f.evaluator.rotateHoisted(cz, by: steps)
            for step in steps {
                let expected = (0..<slots).map { x[(($0 + step) % slots + slots) % slots] }
                let rotated = try f.evaluator.rotate(cz, by: step)
                #expect(rotated.level == level)
                let rotateError = maxError(f.decrypt(rotated), expected)
                #expect(rotateError < 1e-6, "\(layout), level \(level): rotate(\(step)) error \(rotateError)")
                let hoistedError = hoisted[step].map { maxError(f.decrypt($0), expected) } ?? .infinity
                #expect(hoistedError < 1e-6, "\(layout), level \(level): hoisted rotate(\(step)) error \(hoistedError)")
            }
        }
    }

    func maxError(_ actual: [Double], _ expected: [Double]) -> Double {
        zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
    }
}
