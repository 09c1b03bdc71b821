/// The values a plan was compiled for: the range of every input feature (the
/// client refuses, or clips, inputs outside it) and the largest magnitude
/// after each layer (the compiler sized the scale and the first prime's
/// headroom for it; `run` flags decrypted outputs beyond it). CKKS wraps a
/// value that outgrows its modulus into garbage without any error, so these
/// are what makes such a result an error instead of an output.
public struct ValueBounds: Sendable, Codable, Equatable {
    /// Every input feature lies in `inputLower … inputUpper`.
    public var inputLower: Double
    public var inputUpper: Double
    /// max |value| after each plan layer, in layer order.
    public var layerMaxima: [Double]
    /// `interval` (sound: interval arithmetic over the weights from the input
    /// range) or `calibration` (observed on data, with a margin).
    public var source: String

    public init(inputLower: Double, inputUpper: Double, layerMaxima: [Double], source: String) {
        self.inputLower = inputLower
        self.inputUpper = inputUpper
        self.layerMaxima = layerMaxima
        self.source = source
    }

    /// The largest magnitude of an output.
    public var outputMaximum: Double { layerMaxima.last ?? max(abs(inputLower), abs(inputUpper)) }

    /// Whether `value` is a valid input.
    public func admits(_ value: Double) -> Bool { value >= inputLower && value <= inputUpper }
}
