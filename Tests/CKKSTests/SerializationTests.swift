import Testing
import HepexcCKKS

@Suite("Serialization")
struct SerializationTests {
    @Test("Round trips: parameters, keys, ciphertexts, plaintexts")
    func roundTrips() throws {
        var f = try Fixture(.insecureN1024, steps: [1])
        let params = f.context.parameters
        #expect(try CKKSParameters(deserializing: params.serialized()) == params)
        let x: [Double] = [0.5, -0.25, 0.125]
        let ct = try f.encrypt(x)
        let loaded = try Ciphertext(deserializing: ct.serialized(context: f.context), context: f.context)
        #expect(loaded.polys == ct.polys && loaded.scale == ct.scale)
        let pt = try f.encoder.encode(x, level: 1)
        let ptLoaded = try Plaintext(deserializing: pt.serialized(context: f.context), context: f.context)
        #expect(ptLoaded.poly == pt.poly && ptLoaded.level == 1)
        let sk = try SecretKey(deserializing: f.keygen.secretKey.serialized(context: f.context), context: f.context)
        #expect(sk.poly == f.keygen.secretKey.poly)
        let pk = f.keygen.publicKey()
        let pkLoaded = try PublicKey(deserializing: pk.serialized(context: f.context), context: f.context)
        #expect(pkLoaded.b == pk.b && pkLoaded.a == pk.a)
        let rk = try RelinearizationKey(deserializing: f.evaluator.relinearizationKey!.serialized(context: f.context), context: f.context)
        let gk = try GaloisKeys(deserializing: f.evaluator.galoisKeys!.serialized(context: f.context), context: f.context)
        #expect(gk.galoisElements == f.evaluator.galoisKeys!.galoisElements)
        // Loaded keys work.
        let evaluator = try Evaluator(context: f.context, relinearizationKey: rk, galoisKeys: gk)
        let decryptor = try Decryptor(context: f.context, secretKey: sk)
        let product = try evaluator.rescale(evaluator.multiplyRelinearize(loaded, loaded))
        let decoded = f.encoder.decode(decryptor.decrypt(product))
        #expect(zip(decoded, x.map { $0 * $0 }).allSatisfy { abs($0 - $1) < 1e-5 })
        let rotated = f.encoder.decode(decryptor.decrypt(try evaluator.rotate(loaded, by: 1)))
        #expect(abs(rotated[0] + 0.25) < 1e-5)
    }

    @Test("Corrupted, truncated, mismatched and wrong-kind files are rejected")
    func rejection() throws {
        var f = try Fixture(.insecureN1024, steps: [])
        let ct = try f.encrypt([1, 2, 3])
        let bytes = ct.serialized(context: f.context)
        // Every single flipped byte in the header, and some in the payload, is caught.
        for index in Array(0..<32) + [100, 5000, bytes.count - 1] {
            var corrupted = bytes
            corrupted[index] ^= 0x40
            #expect(throws: HEError.self) { try Ciphertext(deserializing: corrupted, context: f.context) }
        }
        #expect(throws: HEError.self) { try Ciphertext(deserializing: Array(bytes.prefix(100)), context: f.context) }
        #expect(throws: HEError.self) { try Ciphertext(deserializing: [], context: f.context) }
        #expect(throws: HEError.wrongObjectKind(expected: "HXSK", found: "HXCT")) {
            try SecretKey(deserializing: bytes, context: f.context)
        }
        let other = try Fixture(.insecureN4096, steps: [])
        #expect(throws: HEError.parameterHashMismatch(expected: other.context.parameters.parameterHash,
                                                      found: f.context.parameters.parameterHash)) {
            try Ciphertext(deserializing: bytes, context: other.context)
        }
        let secret = f.keygen.secretKey.serialized(context: f.context)
        #expect(throws: HEError.wrongObjectKind(expected: "HXPK", found: "HXSK")) {
            try PublicKey(deserializing: secret, context: f.context)
        }
        var badParams = f.context.parameters.serialized()
        badParams[30] ^= 1
        #expect(throws: HEError.self) { try CKKSParameters(deserializing: badParams) }
    }
}
