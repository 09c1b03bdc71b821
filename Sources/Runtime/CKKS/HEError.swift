/// Every error the CKKS runtime throws. Messages say what went wrong and what to do.
public enum HEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter literal is malformed (the payload says which field and why).
    case invalidParameters(String)
    /// `log2(QP)` exceeds the HE-standard bound for 128-bit security at this ring degree.
    case insecureParameters(logN: Int, logQP: Int, maxLogQP: Int)
    /// Two operands are at different levels.
    case levelMismatch(lhs: Int, rhs: Int)
    /// Two operands have different scales (log2 values in the payload).
    case scaleMismatch(lhsLog2: Double, rhsLog2: Double)
    /// The operation needs a level that is not there (e.g. rescale at level 0).
    case levelExhausted(operation: String, level: Int)
    /// `dropLevel(to:)` was asked to go up.
    case invalidLevel(requested: Int, current: Int)
    /// Multiplication needs a relinearization key the evaluator does not have.
    case missingRelinearizationKey
    /// A rotation needs a Galois key the evaluator does not have.
    case missingGaloisKey(galoisElement: Int)
    /// A ciphertext has the wrong number of polynomials for this operation.
    case invalidCiphertextSize(expected: Int, actual: Int)
    /// Operands or keys were made under different parameters.
    case parameterMismatch
    /// More values than slots.
    case tooManyValues(count: Int, slots: Int)
    /// A value does not fit the modulus at this scale and level.
    case encodingOverflow(log2Magnitude: Double, log2Modulus: Double)
    /// A serialized object could not be read (payload: the reason).
    case corruptedData(String)
    /// A serialized object is of another kind than requested.
    case wrongObjectKind(expected: String, found: String)
    /// A serialized object was made with other parameters (hashes in the payload).
    case parameterHashMismatch(expected: UInt64, found: UInt64)
    /// A serialized object uses a format version this build does not read.
    case unsupportedVersion(UInt16)
    /// Bootstrapping cannot run with these parameters, keys or input (payload: why).
    case bootstrapNotPossible(String)
    /// Seeded encryption was asked of a public-key encryptor (`a` must be uniform, so only the secret key can do it).
    case seededEncryptionNeedsSecretKey
    /// A level-trimmed key-switching key does not reach the ciphertext's level.
    case keyLevelTooLow(operation: String, keyLevel: Int, ciphertextLevel: Int)

    public var description: String {
        switch self {
        case .invalidParameters(let reason):
            return "invalid CKKS parameters: \(reason)"
        case .insecureParameters(let logN, let logQP, let maxLogQP):
            return "log2(QP) = \(logQP) bits exceeds the 128-bit security bound of \(maxLogQP) bits for N = 2^\(logN) "
                + "(HE standard, ternary secret); use fewer or smaller primes, a larger N, or an insecure test preset"
        case .levelMismatch(let lhs, let rhs):
            return "level mismatch: left operand at level \(lhs), right operand at level \(rhs); "
                + "call dropLevel(_:to: \(min(lhs, rhs))) on the higher one first"
        case .scaleMismatch(let lhs, let rhs):
            return "scale mismatch: left operand has scale 2^\(fmt(lhs)), right operand 2^\(fmt(rhs)); "
                + "rescale the operand with the larger scale, or multiply one by a constant to match"
        case .levelExhausted(let operation, let level):
            return "\(operation) needs a lower level but the ciphertext is at level \(level); "
                + "use parameters with more ciphertext primes"
        case .invalidLevel(let requested, let current):
            return "cannot drop to level \(requested) from level \(current): levels only go down"
        case .missingRelinearizationKey:
            return "no relinearization key: create one with KeyGenerator.relinearizationKey() and pass it to the Evaluator"
        case .missingGaloisKey(let element):
            return "no Galois key for element \(element): generate Galois keys for this rotation step"
        case .invalidCiphertextSize(let expected, let actual):
            return "ciphertext has \(actual) polynomials, expected \(expected)"
                + (actual == 3 ? "; relinearize it first" : "")
        case .parameterMismatch:
            return "operands or keys were created under different CKKS parameters"
        case .tooManyValues(let count, let slots):
            return "\(count) values do not fit in \(slots) slots"
        case .encodingOverflow(let magnitude, let modulus):
            return "encoded value of 2^\(fmt(magnitude)) does not fit the modulus 2^\(fmt(modulus)); "
                + "lower the scale or encode at a higher level"
        case .corruptedData(let reason):
            return "corrupted or truncated data: \(reason)"
        case .wrongObjectKind(let expected, let found):
            return "expected a serialized \(expected), found \(found)"
        case .parameterHashMismatch(let expected, let found):
            return "object was made under other parameters (hash \(hex(found)), expected \(hex(expected)))"
        case .unsupportedVersion(let version):
            return "unsupported format version \(version)"
        case .bootstrapNotPossible(let reason):
            return "cannot bootstrap: \(reason)"
        case .seededEncryptionNeedsSecretKey:
            return "seeded ciphertexts need secret-key encryption; a public-key ciphertext is stored whole"
        case .keyLevelTooLow(let operation, let keyLevel, let ciphertextLevel):
            return "\(operation): the key was generated for ciphertexts up to level \(keyLevel) but this one is at level "
                + "\(ciphertextLevel); generate the key up to level \(ciphertextLevel) or higher"
        }
    }
}

private func fmt(_ x: Double) -> String {
    let scaled = (x * 1000).rounded() / 1000
    return "\(scaled)"
}

private func hex(_ x: UInt64) -> String { "0x" + String(x, radix: 16) }
