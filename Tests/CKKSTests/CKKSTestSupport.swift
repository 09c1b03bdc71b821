import Foundation
import HepexcCKKS

/// Deterministic test inputs.
struct TestValues {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1  // uniform in [−1, 1)
    }
    mutating func vector(_ count: Int) -> [Double] { (0..<count).map { _ in next() } }
}

/// Precision of `actual` against `expected`: −log2 of the largest absolute error.
func precisionBits(_ actual: [Double], _ expected: [Double]) -> Double {
    var worst = 0.0
    for (a, e) in zip(actual, expected) { worst = max(worst, abs(a - e)) }
    return worst == 0 ? 100 : -log2(worst)
}


/// Everything a CKKS test needs, made with fixed seeds.
struct Fixture {
    let context: CKKSContext
    let encoder: CKKSEncoder
    var keygen: KeyGenerator
    var encryptor: Encryptor
    let decryptor: Decryptor
    let evaluator: Evaluator

    init(_ literal: CKKSParameters.Literal, steps: [Int] = [1, -1, 3], threads: Int = 1, seed: UInt64 = 1) throws {
        let params = try CKKSParameters(literal)
        context = CKKSContext(parameters: params, threads: threads)
        encoder = CKKSEncoder(context: context)
        keygen = KeyGenerator(context: context, seed: seed)
        let pk = keygen.publicKey()
        let rk = keygen.relinearizationKey()
        let gk = keygen.galoisKeys(steps: steps, conjugation: true)
        encryptor = try Encryptor(context: context, publicKey: pk, seed: seed + 1)
        decryptor = try Decryptor(context: context, secretKey: keygen.secretKey)
        evaluator = try Evaluator(context: context, relinearizationKey: rk, galoisKeys: gk)
    }

    mutating func encrypt(_ values: [Double], level: Int? = nil) throws -> Ciphertext {
        encryptor.encrypt(try encoder.encode(values, level: level))
    }

    func decrypt(_ ct: Ciphertext) -> [Double] { encoder.decode(decryptor.decrypt(ct)) }
}
