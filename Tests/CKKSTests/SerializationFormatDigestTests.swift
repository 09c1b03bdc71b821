import Testing
import HepexcCKKS
import HepexcRing

/// Pins the CKKS serialization byte format (Sources/Runtime/CKKS/Serialization*.swift).
///
/// Every object here is built deterministically — parameters from a literal, plaintexts and
/// ciphertexts from fixed integer coefficients (no CSPRNG) — so its bytes are a pure function
/// of the format. Keys involve sampling, so for them the test pins structure only (header,
/// length, the words before the residues). A failure means files written by an older build
/// may no longer load, or load wrongly: if the change is intended, bump `Container.version`
/// (Serialization.swift), keep reading the old version, and update the digests here.
@Suite("CKKS serialization format (digest-pinned)")
struct SerializationFormatDigestTests {
    static let bump = "the CKKS byte format changed: if intended, bump Container.version in "
        + "Sources/Runtime/CKKS/Serialization.swift (and keep reading version 1), then update this pinned value"

    /// N integers in [−100, 100], a fixed function of (index, salt).
    static func coefficients(_ n: Int, salt: Int64) -> [Int64] {
        (0..<Int64(n)).map { ($0 &* 37 &+ salt &* 101) % 201 - 100 }
    }

    static func poly(_ ring: RingContext, salt: Int64) -> Poly<Eval> {
        Poly<Coeff>(context: ring, signedCoefficients: coefficients(ring.degree, salt: salt)).forwardNTT()
    }

    /// The header of a container: magic, version 1, reserved, parameter hash, payload words.
    static func header(_ bytes: [UInt8]) -> String { Hex.string(bytes.prefix(24)) }

    static func words(_ bytes: [UInt8], _ range: Range<Int>) -> [UInt64] {
        range.map { w in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 * w + $1]) << (8 * UInt64($1)) } }
    }

    @Test("The SHA-256 helper matches FIPS 180-4 test vectors")
    func sha256KnownAnswers() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("Parameters files: header and SHA-256 pinned", arguments: [
        ("insecureN1024", CKKSParameters.Literal.insecureN1024,
         "485850520100000003752220573fb919", "60eb0bf4409a9eb270d4d24b4b34ba371c1e3e0af42c2dd0142df3536a2f5ba0"),
        ("insecureN2048Hybrid", CKKSParameters.Literal.insecureN2048Hybrid,
         "4858505201000000062fd1990edef0b7", "ffc61f02b5c6deb795e61d62571af062b481c7b7a56868ebe74fa79d03459ff5"),
    ])
    func parameters(name: String, literal: CKKSParameters.Literal, headerPrefix: String, digest: String) throws {
        let parameters = try CKKSParameters(literal)
        let bytes = parameters.serialized()
        // A parameters file carries its own parameter hash; its payload is logN, logScale, digits,
        // insecure, |logQ|, logQ…, |logP|, logP…, then the primes.
        #expect(Hex.string(bytes.prefix(16)) == headerPrefix, "\(name): \(Self.bump)")
        let payloadWords = literal.logQ.count + literal.logP.count
        #expect(bytes.count == 8 * (3 + 6 + 2 * payloadWords + 1), "\(name): \(Self.bump)")
        #expect(SHA256.hex(bytes) == digest, "\(name): digest \(SHA256.hex(bytes)); \(Self.bump)")
        #expect(try CKKSParameters(deserializing: bytes) == parameters)
    }

    @Test("Parameter hash (carried by every object file) is pinned")
    func parameterHash() throws {
        let hashes = try [CKKSParameters.Literal.insecureN1024, .insecureN2048Hybrid, .insecureN16].map {
            String(try CKKSParameters($0).parameterHash, radix: 16)
        }
        #expect(hashes == ["19b93f5720227503", "b7f0de0e99d12f06", "f011160cacecd48b"], "hashes \(hashes); \(Self.bump)")
    }

    @Test("Plaintext and ciphertext files from fixed coefficients: header and SHA-256 pinned")
    func plaintextAndCiphertext() throws {
        let context = CKKSContext(parameters: try CKKSParameters(.insecureN1024), threads: 1)
        let scale = 0x1p40
        let plaintext = Plaintext(poly: Self.poly(context.levels[1], salt: 1), scale: scale)
        let fresh = Ciphertext(polys: [Self.poly(context.levels[2], salt: 2), Self.poly(context.levels[2], salt: 3)],
                               scale: scale)
        let tensor = Ciphertext(polys: (4...6).map { Self.poly(context.levels[0], salt: $0) }, scale: 0x1p80)
        let files: [(name: String, bytes: [UInt8], header: String, payloadWords: Int, digest: String)] = [
            ("plaintext", plaintext.serialized(context: context), "485850540100000003752220573fb9190208000000000000", 2 + 2 * 1024, "c8218c3c69fb063a2734eeec7fe5e35a36ab67131a6f9983993dd016b258509d"),
            ("ciphertext", fresh.serialized(context: context), "485843540100000003752220573fb9190318000000000000", 3 + 2 * 3 * 1024, "7c6cec4f3714719afc6c212149d640d84fd81dab6e9a135e53563f02cfc8af58"),
            ("size-3 ciphertext", tensor.serialized(context: context), "485843540100000003752220573fb919030c000000000000", 3 + 3 * 1024, "fba6369351d450e9bfcb52c29a869ab516581a42644c5f5e9aac379b366948fd"),
        ]
        for file in files {
            #expect(Self.header(file.bytes) == file.header, "\(file.name): header \(Self.header(file.bytes)); \(Self.bump)")
            #expect(file.bytes.count == 8 * (3 + file.payloadWords + 1), "\(file.name): \(file.bytes.count) bytes; \(Self.bump)")
            #expect(SHA256.hex(file.bytes) == file.digest, "\(file.name): digest \(SHA256.hex(file.bytes)); \(Self.bump)")
        }
        // The pinned bytes still load to the same objects.
        let loadedPlaintext = try Plaintext(deserializing: files[0].bytes, context: context)
        #expect(loadedPlaintext.poly == plaintext.poly && loadedPlaintext.scale == scale && loadedPlaintext.level == 1)
        let loaded = try Ciphertext(deserializing: files[2].bytes, context: context)
        #expect(loaded.polys == tensor.polys && loaded.scale == 0x1p80 && loaded.size == 3)
    }

    @Test("Key files: headers, lengths and layout words pinned (keys are random, so no digest)")
    func keyStructure() throws {
        let context = CKKSContext(parameters: try CKKSParameters(.insecureN2048Hybrid), threads: 1)
        var keygen = KeyGenerator(context: context, seed: 7)
        let n = 2048, qLimbs = 5, qpLimbs = 7, digits = 3
        let secret = keygen.secretKey.serialized(context: context)
        let publicKey = keygen.publicKey().serialized(context: context)
        let relin = keygen.relinearizationKey().serialized(context: context)
        let galois = keygen.galoisKeys(steps: [1, -1]).serialized(context: context)
        let keySwitchWords = 1 + 2 * digits * qpLimbs * n
        let expected: [(name: String, bytes: [UInt8], header: String, payloadWords: Int)] = [
            ("secret key", secret, "4858534b01000000062fd1990edef0b70038000000000000", qpLimbs * n),
            ("public key", publicKey, "4858504b01000000062fd1990edef0b70050000000000000", 2 * qLimbs * n),
            ("relinearization key", relin, "4858524b01000000062fd1990edef0b70150010000000000", keySwitchWords),
            ("Galois keys", galois, "4858474b01000000062fd1990edef0b705a0020000000000", 1 + 2 * (1 + keySwitchWords)),
        ]
        for file in expected {
            #expect(Self.header(file.bytes) == file.header, "\(file.name): header \(Self.header(file.bytes)); \(Self.bump)")
            #expect(file.bytes.count == 8 * (3 + file.payloadWords + 1), "\(file.name): \(file.bytes.count) bytes; \(Self.bump)")
        }
        // A key-switching key starts with its digit count; Galois keys list count, then (element, key)
        // in ascending element order: 5 (step 1) and 5^(N/2 − 1) mod 2N (step −1).
        #expect(Self.words(relin, 3..<4) == [UInt64(digits)], "\(Self.bump)")
        let second = 3 + 1 + 1 + keySwitchWords
        #expect(Self.words(galois, 3..<6) == [2, 5, UInt64(digits)], "\(Self.bump)")
        #expect(Self.words(galois, second..<(second + 2)) == [3277, UInt64(digits)], "\(Self.bump)")
    }
}
