public import HepexcIR

/// `approximate`: makes a model HE-friendly. Each named non-polynomial
/// activation becomes a `poly` fitted by least squares on its input range,
/// and `maxpool=avgpool` turns max pooling into average pooling with the
/// same window.
///
/// ```
/// approximate{relu=poly2,sigmoid=poly3,gelu=poly4,maxpool=avgpool,range=-6:6}
/// ```
/// Keys: `relu`, `sigmoid`, `tanh`, every ``ActivationFunction`` name (`gelu`,
/// `erf`, `softplus`, …) with value `polyN` (1 ≤ N ≤ 16); `maxpool` with
/// value `avgpool`; `range=LO:HI`, the interval fitted for an activation
/// whose observed range is unknown (default −4:4). `hepexc compile
/// --approximate --data` measures each activation's input range on
/// calibration data and sets ``observedRanges`` (docs/approximation.md).
public struct ApproximatePass: Pass {
    public static let name = "approximate"
    public static let summary = "replace non-polynomial activations by fitted polynomials and max pooling by average pooling"
    public static let optionHelp: [(key: String, help: String)] =
        [(key: "relu", help: "polyN: least-squares polynomial of degree N"),
         (key: "sigmoid", help: "polyN"), (key: "tanh", help: "polyN")]
        + ActivationFunction.allCases.map { (key: $0.rawValue, help: "polyN") }
        + [(key: "maxpool", help: "avgpool: average pooling with the same window"),
           (key: "range", help: "LO:HI, the interval fitted where no observed range is known (default -4:4)")]

    /// Degree per activation name (`relu`, `sigmoid`, `tanh`, or an ``ActivationFunction`` name).
    public var degrees: [String: Int] = [:]
    public var maxPoolToAvgPool = false
    public var fallbackRange: ClosedRange<Double> = -4...4
    /// Observed input range per activation result name, from calibration data.
    public var observedRanges: [String: ClosedRange<Double>] = [:]

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        for (key, value) in options {
            switch key {
            case "maxpool":
                guard value == "avgpool" else {
                    throw .invalidOption(pass: Self.name, option: key, reason: "'\(value)' (the only replacement is avgpool)")
                }
                maxPoolToAvgPool = true
            case "range":
                let parts = value.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]),
                      low.isFinite, high.isFinite, low < high else {
                    throw .invalidOption(pass: Self.name, option: key, reason: "'\(value)' is not LO:HI with LO < HI")
                }
                fallbackRange = low...high
            default:
                guard value.hasPrefix("poly"), let degree = Int(value.dropFirst(4)), (1...PolynomialFit.maximumDegree).contains(degree) else {
                    throw .invalidOption(pass: Self.name, option: key,
                                         reason: "'\(value)' is not polyN with 1 ≤ N ≤ \(PolynomialFit.maximumDegree)")
                }
                degrees[key] = degree
            }
        }
    }

    public init(degrees: [String: Int], maxPoolToAvgPool: Bool, fallbackRange: ClosedRange<Double> = -4...4) {
        self.degrees = degrees
        self.maxPoolToAvgPool = maxPoolToAvgPool
        self.fallbackRange = fallbackRange
    }

    public var options: [String: String] {
        var result = degrees.mapValues { "poly\($0)" }
        if maxPoolToAvgPool { result["maxpool"] = "avgpool" }
        if fallbackRange != -4...4 { result["range"] = "\(fallbackRange.lowerBound):\(fallbackRange.upperBound)" }
        return result
    }

    /// The name an operation's activation goes by in the options, with its
    /// scalar function; `nil` for anything else.
    public static func activation(of operation: Operation) -> (name: String, function: @Sendable (Double) -> Double)? {
        ActivationFunction.scalarFunction(of: operation)
    }

    /// The fit `run` uses for `operation`, when the options name it.
    public func fit(for operation: Operation) -> PolynomialFit? {
        guard let (name, function) = Self.activation(of: operation), let degree = degrees[name] else { return nil }
        var range = observedRanges[operation.result] ?? fallbackRange
        if range.upperBound - range.lowerBound < 1e-6 { range = (range.lowerBound - 0.5)...(range.upperBound + 0.5) }
        return PolynomialFit(function, degree: degree, interval: range)
    }

    public func run(on graph: inout Graph) throws(PassError) {
        for index in graph.operations.indices {
            let operation = graph.operations[index]
            if operation.kind == .maxpool2d, maxPoolToAvgPool {
                var attributes = operation.attributes
                attributes["count_include_pad"] = nil
                graph.operations[index] = Operation(result: operation.result, kind: .avgpool2d, operands: operation.operands,
                                                    attributes: attributes, type: operation.type)
            } else if let fit = fit(for: operation) {
                graph.operations[index] = Operation(result: operation.result, kind: .poly, operands: operation.operands,
                                                    attributes: ["coeffs": .floats(fit.coefficients)], type: operation.type)
            }
        }
    }
}
