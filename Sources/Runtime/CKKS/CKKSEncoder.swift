import HepexcModArith
import HepexcRing

/// Encodes vectors of up to N/2 real or complex numbers into plaintexts and back,
/// through the canonical embedding (`SpecialFFT`).
public struct CKKSEncoder: Sendable {
    /// The context (parameters and tables).
    public let context: CKKSContext

    public init(context: CKKSContext) { self.context = context }

    /// Encodes real values (missing slots are zero).
    /// - Parameters: `values` at most N/2; `scale` default 2^logScale; `level` default top.
    /// - Throws: `tooManyValues`, `encodingOverflow`, `invalidLevel`.
    public func encode(_ values: [Double], scale: Double? = nil, level: Int? = nil) throws -> Plaintext {
        try encode(real: values, imaginary: [], scale: scale, level: level)
    }

    /// Encodes complex values given as real and imaginary parts.
    /// - Throws: `tooManyValues`, `encodingOverflow`, `invalidLevel`.
    public func encode(real: [Double], imaginary: [Double], scale: Double? = nil, level: Int? = nil) throws -> Plaintext {
        let (poly, scale) = try encodeCoefficients(real: real, imaginary: imaginary, scale: scale, level: level)
        return Plaintext(poly: poly.forwardNTT(), scale: scale)
    }

    /// The plaintext polynomial before its NTT, and its scale: encryption adds
    /// its error here, so message and error share one NTT.
    func encodeCoefficients(real: [Double], imaginary: [Double], scale: Double?, level: Int?) throws -> (Poly<Coeff>, Double) {
        let params = context.parameters
        let slots = params.slotCount
        let scale = scale ?? params.defaultScale
        let level = level ?? params.maxLevel
        guard (0...params.maxLevel).contains(level) else { throw HEError.invalidLevel(requested: level, current: params.maxLevel) }
        guard real.count <= slots, imaginary.count <= slots else {
            throw HEError.tooManyValues(count: max(real.count, imaginary.count), slots: slots)
        }
        var re = [Double](repeating: 0, count: slots), im = re
        re.replaceSubrange(0..<real.count, with: real)
        im.replaceSubrange(0..<imaginary.count, with: imaginary)
        context.fft.inverse(&re, &im)
        let n = params.degree
        var coefficients = [Double](repeating: 0, count: n)
        var largest = 0.0
        for k in 0..<slots {
            coefficients[k] = (re[k] * scale).rounded()
            coefficients[k + slots] = (im[k] * scale).rounded()
            largest = max(largest, abs(coefficients[k]), abs(coefficients[k + slots]))
        }
        let ring = context.levels[level]
        let log2Q = ring.moduli.reduce(0.0) { $0 + Double($1.value).log2Approximation }
        let log2Largest = largest > 0 ? largest.log2Approximation : 0
        guard largest.isFinite, log2Largest < log2Q - 1 else {
            throw HEError.encodingOverflow(log2Magnitude: log2Largest, log2Modulus: log2Q)
        }
        if largest < Poly<Coeff>.integralCoefficientBound {
            // The common case (scale × values well below 2^51): residues straight from the doubles.
            return (Poly<Coeff>(context: ring, integralCoefficients: coefficients), scale)
        }
        if largest < 9.2e18 {
            // Every coefficient fits an Int64: convert once, reduce per limb.
            let integers = coefficients.map { Int64($0) }
            return (Poly<Coeff>(context: ring, signedCoefficients: integers), scale)
        }
        var poly = Poly<Coeff>(zeroIn: ring)
        for (limb, q) in ring.moduli.enumerated() {
            for k in 0..<n { poly.data[limb * n + k] = Self.residue(coefficients[k], q) }
        }
        return (poly, scale)
    }

    /// Decodes the real parts of the slots.
    public func decode(_ plaintext: Plaintext) -> [Double] {
        decodeComplex(plaintext).real
    }

    /// Decodes real and imaginary parts of the slots.
    public func decodeComplex(_ plaintext: Plaintext) -> (real: [Double], imaginary: [Double]) {
        let coefficients = plaintext.poly.inverseNTT()
        let n = coefficients.degree, slots = n / 2
        var values = [Double](repeating: 0, count: n)
        coefficients.data.withUnsafeBufferPointer { input in
            values.withUnsafeMutableBufferPointer { output in
                context.composers[coefficients.limbCount - 1].compose(input.baseAddress!, degree: n,
                                                                      scale: plaintext.scale, into: output.baseAddress!)
            }
        }
        var re = Array(values[0..<slots]), im = Array(values[slots..<n])
        context.fft.forward(&re, &im)
        return (re, im)
    }

    /// `round(x) mod q` for a double that may exceed 64 bits.
    static func residue(_ x: Double, _ q: Modulus) -> UInt64 {
        if abs(x) < 9.2e18 { return q.reduce(signed: Int64(x)) }
        // x = ±M·2^e with an integer M < 2^53.
        let exponent = Int(x.exponent) - 52
        let mantissa = UInt64(1) << 52 | x.significandBitPattern
        let r = q.mulMod(q.reduce(mantissa), q.powMod(2, UInt64(exponent)))
        return x < 0 ? q.negateMod(r) : r
    }
}

extension Double {
    /// log2 without libm: exponent plus a linear interpolation of the significand (error < 0.09).
    var log2Approximation: Double { Double(exponent) + (significand - 1) }
}
